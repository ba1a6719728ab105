// `npm test`: everything CI checks, in order: install (bubblewrap too, see ensureBubblewrap.mjs), build, lint,
// type-check, tests.
// Ends with one plain line `N passed, N failed` read from vitest's JSON report, and exits non-zero when
// any step or any test failed.
import { rmSync } from "node:fs"
import { join } from "node:path"
import { ensureBubblewrap } from "./ensureBubblewrap.mjs"
import { summarizeVitestReport } from "./vitestReport.mjs"
import { bin, build, install, repoRoot, run, runOrExit, step } from "./workspace.mjs"

install()
ensureBubblewrap()
build()

step("Linting and format check (biome)")
runOrExit(bin("biome"), ["ci", "."])

step("Type-checking sources and tests")
runOrExit(bin("turbo"), ["run", "typecheck", "--output-logs=errors-only"])

step("Running tests (vitest)")
const report = join(repoRoot, ".vitest-results.json")
rmSync(report, { force: true })
const testCode = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`])

process.exit(summarizeVitestReport(report, testCode))
