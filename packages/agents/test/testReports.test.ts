import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseTestReport } from "../src/internal/parseTestReport.js"
import { testReportPlan } from "../src/internal/testReportPlan.js"
import { tempDir, writeFiles } from "./support/fixtures.js"

const vitestBin = fileURLToPath(new URL("../node_modules/.bin/vitest", import.meta.url))
const hasPytest = spawnSync("pytest", ["--version"], { stdio: "ignore" }).status === 0

/** A suite with one pass, one failure, one skipped and one todo test, and a passing test outside it. */
const nodeSuite = [
  'import { describe, it, test } from "node:test"',
  'import assert from "node:assert"',
  'describe("math", () => {',
  '  it("adds", () => assert.equal(1 + 1, 2))',
  '  it("fails", () => assert.equal(1 + 1, 3))',
  '  it.skip("skipped", () => {})',
  '  it.todo("todo")',
  "})",
  'test("top", () => {})'
].join("\n")

const vitestSuite = [
  'describe("math", () => {',
  '  it("adds", () => expect(1 + 1).toBe(2))',
  '  it("fails", () => expect(1 + 1).toBe(3))',
  '  it.skip("skipped", () => {})',
  '  it.todo("todo")',
  "})",
  'test("top", () => {})'
].join("\n")

/** Runs a plan's command in `dir` as the test-runner would (through the shell) and returns the report. */
const runPlan = (dir: string, command: string | ReadonlyArray<string>) => {
  const plan = testReportPlan(command)
  if (plan === undefined) throw new Error("no plan")
  spawnSync("sh", ["-c", plan.command], { cwd: dir, env: { ...process.env, CI: "true" }, stdio: "ignore" })
  return { plan, report: readFileSync(join(dir, plan.file), "utf8") }
}

describe("test reports", () => {
  it("node --test: TAP beside the spec output, counted at the leaves", async () => {
    const dir = await tempDir()
    await writeFiles(dir, { "math.test.mjs": nodeSuite })
    const { plan, report } = runPlan(dir, [process.execPath, "--test"])
    expect(plan).toMatchObject({ reporter: "node-test", format: "tap", file: ".coderclaw-cache/test-report.tap" })
    expect(parseTestReport(plan.format, plan.reporter, report)).toEqual({
      reporter: "node-test",
      from: "report",
      passed: 2,
      failed: 1,
      skipped: 2,
      total: 5
    })
    // The report's directory ignores itself.
    expect(readFileSync(join(dir, ".coderclaw-cache/.gitignore"), "utf8")).toBe("*\n")
  })

  it("vitest: its JSON report", async () => {
    const dir = await tempDir()
    await writeFiles(dir, { "math.test.mjs": vitestSuite })
    const { plan, report } = runPlan(dir, `${vitestBin} run --globals`)
    expect(plan.command).toContain(`--reporter=default --reporter=json --outputFile.json=${plan.file}`)
    expect(parseTestReport(plan.format, plan.reporter, report)).toEqual({
      reporter: "vitest",
      from: "report",
      passed: 2,
      failed: 1,
      skipped: 2,
      total: 5
    })
  }, 60_000)

  it.skipIf(!hasPytest)(
    "pytest: its JUnit XML report",
    async () => {
      const dir = await tempDir()
      await writeFiles(dir, {
        "test_math.py": [
          "import pytest",
          "def test_adds(): assert 1 + 1 == 2",
          "def test_fails(): assert 1 + 1 == 3",
          "@pytest.mark.skip",
          "def test_skipped(): pass",
          "@pytest.fixture",
          "def broken(): raise RuntimeError('setup')",
          "def test_error(broken): pass",
          ""
        ].join("\n")
      })
      const { plan, report } = runPlan(dir, ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"])
      expect(plan.command).toContain(
        "python3 -m pytest -q -p no:cacheprovider --junitxml=.coderclaw-cache/test-report.xml"
      )
      expect(parseTestReport(plan.format, plan.reporter, report)).toEqual({
        reporter: "pytest",
        from: "report",
        passed: 1,
        failed: 2,
        skipped: 1,
        total: 4
      })
    },
    60_000
  )

  it("jest: its JSON report, the format vitest shares", () => {
    const report = JSON.stringify({
      numTotalTests: 6,
      numPassedTests: 3,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 1
    })
    expect(parseTestReport("jest-json", "jest", report)).toEqual({
      reporter: "jest",
      from: "report",
      passed: 3,
      failed: 1,
      skipped: 2,
      total: 6
    })
    expect(testReportPlan("npx jest --ci")?.command).toBe(
      "mkdir -p .coderclaw-cache && printf '*\\n' > .coderclaw-cache/.gitignore && rm -f .coderclaw-cache/test-report.json && npx jest --ci --json --outputFile=.coderclaw-cache/test-report.json"
    )
  })

  it("leaves other commands alone, and reads nothing from what is not a report", () => {
    for (const command of [
      "npm test",
      "pnpm test",
      "vitest run && echo done",
      "vitest run | tee out.txt",
      'vitest run -t "adds"',
      "node --test --test-reporter=dot",
      "node script.js",
      "jest --json",
      "pytest --junitxml=mine.xml",
      ["make", "test"]
    ]) {
      expect(testReportPlan(command), JSON.stringify(command)).toBeUndefined()
    }
    expect(parseTestReport("jest-json", "vitest", "{ cut off")).toBeUndefined()
    expect(parseTestReport("jest-json", "vitest", '{"other":1}')).toBeUndefined()
    expect(parseTestReport("tap", "node-test", "not tap at all\n")).toBeUndefined()
    expect(parseTestReport("junit-xml", "pytest", "<html></html>")).toBeUndefined()
  })

  it("quotes an argv command's words and puts node's reporter options before its files", () => {
    expect(testReportPlan(["node", "--test", "my tests/a.test.mjs"])?.command).toMatch(
      /&& node --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=\.coderclaw-cache\/test-report\.tap --test 'my tests\/a\.test\.mjs'$/
    )
    expect(testReportPlan(["pnpm", "exec", "vitest", "run", "it's"])?.command).toMatch(
      /&& pnpm exec vitest run 'it'\\''s' --reporter=default --reporter=json --outputFile\.json=\.coderclaw-cache\/test-report\.json$/
    )
    expect(testReportPlan("CI=1 vitest run --reporter=dot")?.command).toMatch(
      /&& CI=1 vitest run --reporter=dot --reporter=json --outputFile\.json=/
    )
  })
})
