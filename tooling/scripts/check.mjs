// `npm test`: everything CI checks, in order: install (bubblewrap too, see ensureBubblewrap.mjs), build, lint,
// type-check, tests.
// Ends with one plain line `N passed, N failed` read from vitest's JSON report, and exits non-zero when
// any step or any test failed.
import { existsSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { ensureBubblewrap } from "./ensureBubblewrap.mjs"
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

if (!existsSync(report)) {
  console.error("vitest wrote no JSON report: the test run did not complete")
  console.log("0 passed, 1 failed")
  process.exit(testCode === 0 ? 1 : testCode)
}
const results = JSON.parse(readFileSync(report, "utf8"))
const passed = results.numPassedTests ?? 0
// A suite that fails to load (a syntax error, a missing import) holds no failed test: count it as one.
const brokenSuites = (results.testResults ?? []).filter(
  (suite) => suite.status === "failed" && !(suite.assertionResults ?? []).some((test) => test.status === "failed")
).length
const failed = (results.numFailedTests ?? 0) + brokenSuites
console.log("")
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || testCode !== 0 || passed === 0 ? 1 : 0)
