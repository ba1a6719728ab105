// Reads vitest's JSON report into the one plain line CI looks for: `N passed, N failed`.
import { existsSync, readFileSync } from "node:fs"

/**
 * Prints `N passed, N failed` from the JSON report vitest wrote to `report` and returns the exit code:
 * non-zero when a test failed, a suite did not load, vitest itself failed (`testCode`), or nothing ran.
 */
export const summarizeVitestReport = (report, testCode) => {
  if (!existsSync(report)) {
    console.error("vitest wrote no JSON report: the test run did not complete")
    console.log("0 passed, 1 failed")
    return testCode === 0 ? 1 : testCode
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
  return failed > 0 || testCode !== 0 || passed === 0 ? 1 : 0
}
