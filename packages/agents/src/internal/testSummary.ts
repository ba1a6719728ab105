/** Which test reporter's summary was recognised. */
export type TestReporter = "vitest" | "jest" | "node-test" | "mocha" | "pytest"

/** Pass/fail counts of a test run. */
export type TestCounts = {
  readonly reporter: TestReporter
  /** Read from the runner's machine-readable report, or from the summary lines of its output. */
  readonly from: "report" | "output"
  readonly passed: number
  readonly failed: number
  readonly skipped: number
  readonly total: number
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ansi = /\x1b\[[0-9;?]*[A-Za-z]/g

const countsIn = (text: string) => {
  const counts = { passed: 0, failed: 0, skipped: 0 }
  for (const match of text.matchAll(/(\d+)\s+(passed|failed|skipped|todo|pending|errors?|xfailed|xpassed)/g)) {
    const value = Number(match[1])
    const word = match[2] ?? ""
    if (word === "passed" || word === "xpassed") counts.passed += value
    else if (word === "failed" || word.startsWith("error")) counts.failed += value
    else counts.skipped += value
  }
  return counts
}

const sum = (
  reporter: TestReporter,
  runs: ReadonlyArray<Omit<TestCounts, "reporter" | "from">>
): TestCounts | undefined =>
  runs.length === 0
    ? undefined
    : runs.reduce<TestCounts>(
        (total, run) => ({
          reporter,
          from: "output",
          passed: total.passed + run.passed,
          failed: total.failed + run.failed,
          skipped: total.skipped + run.skipped,
          total: total.total + run.total
        }),
        { reporter, from: "output", passed: 0, failed: 0, skipped: 0, total: 0 }
      )

// `Tests  3 passed | 1 failed (4)` (not `Test Files …`), once per run.
const vitest = (lines: ReadonlyArray<string>) =>
  sum(
    "vitest",
    lines.flatMap((line) => {
      const match = /^\s*Tests\s{2,}(.*\d+\s+(?:passed|failed|skipped|todo).*?)\s*\((\d+)\)\s*$/.exec(line)
      if (match === null) return []
      return [{ ...countsIn(match[1] ?? ""), total: Number(match[2]) }]
    })
  )

// `Tests:       1 failed, 1 skipped, 3 passed, 5 total`
const jest = (lines: ReadonlyArray<string>) =>
  sum(
    "jest",
    lines.flatMap((line) => {
      const match = /^\s*Tests:\s+(.*?)(\d+) total\s*$/.exec(line)
      if (match === null) return []
      return [{ ...countsIn(match[1] ?? ""), total: Number(match[2]) }]
    })
  )

// TAP (`# pass 3`) or the spec reporter (`ℹ pass 3`) of node:test; one summary per run.
const nodeTest = (lines: ReadonlyArray<string>) => {
  const runs: Array<Omit<TestCounts, "reporter" | "from">> = []
  let current: { tests?: number; pass?: number; fail?: number; skipped?: number; todo?: number } = {}
  for (const line of lines) {
    const match = /^\s*(?:#|ℹ)\s+(tests|pass|fail|skipped|todo|cancelled)\s+(\d+)\s*$/.exec(line)
    if (match === null) continue
    const key = match[1] === "cancelled" ? "fail" : (match[1] as keyof typeof current)
    if (key === "tests" && current.tests !== undefined) {
      runs.push(close(current))
      current = {}
    }
    current[key] = (current[key] ?? 0) + Number(match[2])
  }
  if (current.pass !== undefined || current.fail !== undefined) runs.push(close(current))
  return sum("node-test", runs)
}

const close = (run: { tests?: number; pass?: number; fail?: number; skipped?: number; todo?: number }) => {
  const passed = run.pass ?? 0
  const failed = run.fail ?? 0
  const skipped = (run.skipped ?? 0) + (run.todo ?? 0)
  return { passed, failed, skipped, total: run.tests ?? passed + failed + skipped }
}

// `3 passing (12ms)`, `1 failing`, `2 pending`
const mocha = (text: string) => {
  const passing = [...text.matchAll(/^\s*(\d+) passing\b/gm)]
  if (passing.length === 0) return undefined
  const total = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((count, match) => count + Number(match[1]), 0)
  const passed = total(/^\s*(\d+) passing\b/gm)
  const failed = total(/^\s*(\d+) failing\b/gm)
  const skipped = total(/^\s*(\d+) pending\b/gm)
  return sum("mocha", [{ passed, failed, skipped, total: passed + failed + skipped }])
}

// `==== 3 passed, 1 failed, 2 skipped in 0.12s ====`
const pytest = (lines: ReadonlyArray<string>) =>
  sum(
    "pytest",
    lines.flatMap((line) => {
      const match = /^=+ (.*\d+ (?:passed|failed|skipped|errors?).*?) in [\d.]+s\b.*=+$/.exec(line)
      if (match === null) return []
      const counts = countsIn(match[1] ?? "")
      return [{ ...counts, total: counts.passed + counts.failed + counts.skipped }]
    })
  )

/**
 * Reads pass/fail counts from a test run's output: vitest (`Tests  3 passed | 1 failed (4)`), jest
 * (`Tests: 1 failed, 3 passed, 4 total`), node:test (`# pass 3` / `ℹ pass 3`), mocha (`3 passing`) and
 * pytest (`== 3 passed in 0.1s ==`). Several runs of one reporter (a monorepo) are added up. `undefined`
 * when no summary is recognised.
 */
export const parseTestSummary = (output: string): TestCounts | undefined => {
  const text = output.replace(ansi, "")
  const lines = text.split(/\r?\n/)
  return vitest(lines) ?? jest(lines) ?? nodeTest(lines) ?? mocha(text) ?? pytest(lines)
}
