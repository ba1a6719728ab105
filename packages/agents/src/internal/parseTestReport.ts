import { XMLParser } from "fast-xml-parser"
import { Parser as TapParser, type Result as TapResult } from "tap-parser"
import type { TestReportFormat } from "./testReportPlan.js"
import type { TestCounts, TestReporter } from "./testSummary.js"

type Counts = { passed: number; failed: number; skipped: number }

const countsOf = (reporter: TestReporter, counts: Counts): TestCounts => ({
  reporter,
  from: "report",
  ...counts,
  total: counts.passed + counts.failed + counts.skipped
})

const count = (value: unknown): number => {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN
  return Number.isInteger(number) && number >= 0 ? number : 0
}

/** vitest's and jest's JSON report (the same shape): `numPassedTests`, `numFailedTests`, … */
const jestJson = (reporter: TestReporter, text: string): TestCounts | undefined => {
  const report: unknown = JSON.parse(text)
  if (typeof report !== "object" || report === null || !("numTotalTests" in report)) return undefined
  const fields = report as Record<string, unknown>
  return countsOf(reporter, {
    passed: count(fields.numPassedTests),
    failed: count(fields.numFailedTests),
    skipped: count(fields.numPendingTests) + count(fields.numTodoTests)
  })
}

/**
 * A TAP stream's tests, counted at the leaves: a test point closing a subtest that had test points of its
 * own is a suite (node:test's `describe`, a file), not a test. `# SKIP` and `# TODO` count as skipped.
 */
const tap = (reporter: TestReporter, text: string): TestCounts | undefined => {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 }
  let points = 0
  const follow = (parser: TapParser): { asserts: number } => {
    const own = { asserts: 0 }
    let lastChild: { asserts: number } | undefined
    parser.on("child", (child: TapParser) => {
      lastChild = follow(child)
    })
    parser.on("assert", (result: TapResult) => {
      own.asserts++
      const suite = lastChild !== undefined && lastChild.asserts > 0
      lastChild = undefined
      if (suite) return
      points++
      if (result.skip !== false || result.todo !== false) counts.skipped++
      else if (result.ok) counts.passed++
      else counts.failed++
    })
    return own
  }
  const parser = new TapParser()
  follow(parser)
  parser.end(text)
  return points === 0 ? undefined : countsOf(reporter, counts)
}

const asArray = (value: unknown): ReadonlyArray<unknown> =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

/** JUnit XML (pytest's `--junitxml`): every `<testsuite>`'s `tests`, `failures`, `errors` and `skipped`. */
const junitXml = (reporter: TestReporter, text: string): TestCounts | undefined => {
  const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(text) as Record<
    string,
    unknown
  >
  const root = document.testsuites as Record<string, unknown> | undefined
  const suites = asArray(root === undefined ? document.testsuite : root.testsuite) as ReadonlyArray<
    Record<string, unknown>
  >
  if (suites.length === 0) return undefined
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 }
  for (const suite of suites) {
    const failed = count(suite.failures) + count(suite.errors)
    const skipped = count(suite.skipped)
    counts.failed += failed
    counts.skipped += skipped
    counts.passed += Math.max(0, count(suite.tests) - failed - skipped)
  }
  return countsOf(reporter, counts)
}

/**
 * Pass/fail counts from a test runner's machine-readable report, or `undefined` when the text is not a
 * report of that format (empty, cut off, another tool's file): the caller then reads the output's summary.
 */
export const parseTestReport = (
  format: TestReportFormat,
  reporter: TestReporter,
  text: string
): TestCounts | undefined => {
  try {
    if (format === "jest-json") return jestJson(reporter, text)
    if (format === "tap") return tap(reporter, text)
    return junitXml(reporter, text)
  } catch {
    return undefined
  }
}
