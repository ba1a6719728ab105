// `npm start`: installs what is missing, builds, and runs the main job.
// Until the demo app exists, the main job is the lifecycle example: real tasks (one counts this
// repository's TypeScript lines) driven through the task statechart, every event checked by the protocol.
import { build, install, repoRoot, runOrExit, step } from "./workspace.mjs"

install()
build("@coderclaw/example-lifecycle")
step("Running the lifecycle example")
runOrExit(process.execPath, ["examples/lifecycle/dist/main.js", repoRoot, ...process.argv.slice(2)])
