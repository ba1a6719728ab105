// `npm start`: installs what is missing, builds, and runs the main job: the demo app, the whole mesh end to
// end on the embedded SQLite store (a secured WebSocket server on loopback, driven as a client through real
// work on this repository). Arguments after `--` go to the demo, e.g. `npm start -- --inspect`.
import { ensureBubblewrap } from "./ensureBubblewrap.mjs"
import { build, install, repoRoot, runOrExit, step } from "./workspace.mjs"

install()
ensureBubblewrap()
build("@coderclaw/demo")
step("Running the demo")
runOrExit(process.execPath, ["apps/demo/dist/main.js", repoRoot, ...process.argv.slice(2)])
