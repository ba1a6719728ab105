import { describe, expect, it } from "vitest"
import { parseTestSummary } from "../src/internal/testSummary.js"

// The summaries below are copied from the reporters' real output (colours included where they print them).
const esc = "\x1b"

describe("parseTestSummary", () => {
  it("reads vitest's summary, colours and all, ignoring the `Test Files` line", () => {
    const output = [
      ` ${esc}[32m✓${esc}[39m test/a.test.ts ${esc}[2m(3 tests)${esc}[22m`,
      "",
      `${esc}[2m Test Files ${esc}[22m ${esc}[1m${esc}[31m1 failed${esc}[39m${esc}[22m${esc}[2m | ${esc}[22m${esc}[1m${esc}[32m5 passed${esc}[39m${esc}[22m${esc}[90m (6)${esc}[39m`,
      `${esc}[2m      Tests ${esc}[22m ${esc}[1m${esc}[31m1 failed${esc}[39m${esc}[22m${esc}[2m | ${esc}[22m${esc}[1m${esc}[32m35 passed${esc}[39m${esc}[22m${esc}[2m | ${esc}[22m${esc}[33m2 skipped${esc}[39m${esc}[90m (38)${esc}[39m`,
      `${esc}[2m   Duration ${esc}[22m 8.58s`
    ].join("\n")
    expect(parseTestSummary(output)).toEqual({
      reporter: "vitest",
      from: "output",
      passed: 35,
      failed: 1,
      skipped: 2,
      total: 38
    })
  })

  it("adds up the runs of several vitest projects (a monorepo's test script)", () => {
    const output = [
      " Test Files  2 passed (2)",
      "      Tests  4 passed (4)",
      "",
      " Test Files  1 passed (1)",
      "      Tests  2 passed | 1 todo (3)"
    ].join("\n")
    expect(parseTestSummary(output)).toEqual({
      reporter: "vitest",
      from: "output",
      passed: 6,
      failed: 0,
      skipped: 1,
      total: 7
    })
  })

  it("reads jest's summary (not the `Test Suites` line)", () => {
    const output = [
      "Test Suites: 1 failed, 2 passed, 3 total",
      "Tests:       1 failed, 1 skipped, 3 passed, 5 total",
      "Snapshots:   0 total",
      "Time:        1.234 s"
    ].join("\n")
    expect(parseTestSummary(output)).toEqual({
      reporter: "jest",
      from: "output",
      passed: 3,
      failed: 1,
      skipped: 1,
      total: 5
    })
    expect(parseTestSummary("Tests:       2 todo, 4 passed, 6 total")).toEqual({
      reporter: "jest",
      from: "output",
      passed: 4,
      failed: 0,
      skipped: 2,
      total: 6
    })
  })

  it("reads node:test's TAP and spec summaries", () => {
    const tap = [
      "ok 1 - adds",
      "not ok 2 - subtracts",
      "1..4",
      "# tests 4",
      "# suites 0",
      "# pass 2",
      "# fail 1",
      "# cancelled 0",
      "# skipped 1",
      "# todo 0",
      "# duration_ms 41.2"
    ].join("\n")
    expect(parseTestSummary(tap)).toEqual({
      reporter: "node-test",
      from: "output",
      passed: 2,
      failed: 1,
      skipped: 1,
      total: 4
    })
    const spec = [
      "✔ adds (0.5ms)",
      "ℹ tests 3",
      "ℹ suites 1",
      "ℹ pass 2",
      "ℹ fail 0",
      "ℹ cancelled 1",
      "ℹ skipped 0",
      "ℹ todo 0"
    ].join("\n")
    expect(parseTestSummary(spec)).toEqual({
      reporter: "node-test",
      from: "output",
      passed: 2,
      failed: 1,
      skipped: 0,
      total: 3
    })
  })

  it("adds up node:test runs of several packages", () => {
    const run = (pass: number, fail: number) =>
      [`# tests ${pass + fail}`, `# pass ${pass}`, `# fail ${fail}`].join("\n")
    expect(parseTestSummary(`${run(3, 0)}\n${run(1, 2)}`)).toEqual({
      reporter: "node-test",
      from: "output",
      passed: 4,
      failed: 2,
      skipped: 0,
      total: 6
    })
  })

  it("reads mocha's summary", () => {
    const output = [
      "  parser",
      "    ✓ parses",
      "",
      "  3 passing (12ms)",
      "  2 pending",
      "  1 failing",
      "",
      "  1) parser"
    ].join("\n")
    expect(parseTestSummary(output)).toEqual({
      reporter: "mocha",
      from: "output",
      passed: 3,
      failed: 1,
      skipped: 2,
      total: 6
    })
  })

  it("reads pytest's summary, errors counting as failures", () => {
    expect(parseTestSummary("============ 3 passed, 1 failed, 2 skipped in 0.12s ============")).toEqual({
      reporter: "pytest",
      from: "output",
      passed: 3,
      failed: 1,
      skipped: 2,
      total: 6
    })
    expect(parseTestSummary("===== 1 failed, 4 passed, 1 warning, 2 errors in 1.05s (0:00:01) =====")).toEqual({
      reporter: "pytest",
      from: "output",
      passed: 4,
      failed: 3,
      skipped: 0,
      total: 7
    })
    expect(parseTestSummary("=============== 5 passed in 0.03s ===============")).toMatchObject({ passed: 5, total: 5 })
  })

  it("recognises nothing in output without a summary", () => {
    expect(parseTestSummary("")).toBeUndefined()
    expect(parseTestSummary("building…\ndone in 3s\n2 files passed review")).toBeUndefined()
    expect(parseTestSummary("Error: Cannot find module 'vitest'")).toBeUndefined()
  })
})
