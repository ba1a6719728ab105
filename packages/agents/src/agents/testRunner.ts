import type { JsonValue } from "@coderclaw/protocol"
import { type AgentContext, type AgentDefinition, AgentFailure, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import type { AgentOptions } from "../AgentOptions.js"
import {
  agentInputDecoder,
  joinRelative,
  relativeInput,
  scopeOf,
  skillResultDecoder,
  useSkill
} from "../internal/agentSupport.js"
import { parseTestReport } from "../internal/parseTestReport.js"
import { RelativePath } from "../internal/paths.js"
import { testReportPlan } from "../internal/testReportPlan.js"
import { parseTestSummary, type TestCounts } from "../internal/testSummary.js"
import { fsReadId } from "../skills/fsRead.js"
import { shellRunId } from "../skills/shellRun.js"

/** The id of the test-runner agent. */
export const testRunnerId = "test-runner"

/**
 * `{ command?, cwd?, timeoutMs?, failOnFailure? }`: `command` is a shell command line (string) or an argv
 * array; without it, `scripts.test` of `cwd/package.json` is run. `failOnFailure` (default: true when
 * submitted directly, false as a workflow step) fails the task (code `TESTS_FAILED`) when the tests fail,
 * instead of completing with `passed: false`.
 */
const TestRunnerInput = Schema.Struct({
  command: Schema.optionalKey(
    Schema.Union([
      Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
      Schema.Array(Schema.String).pipe(Schema.check(Schema.isMinLength(1)))
    ])
  ),
  cwd: Schema.optionalKey(RelativePath),
  timeoutMs: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))),
  failOnFailure: Schema.optionalKey(Schema.Boolean)
})

const FileResult = Schema.Struct({ content: Schema.String })

const decodeFile = skillResultDecoder(FileResult, fsReadId)

const ShellResult = Schema.Struct({
  exitCode: Schema.NullOr(Schema.Number),
  signal: Schema.NullOr(Schema.String),
  timedOut: Schema.Boolean,
  durationMs: Schema.Number,
  stdoutTail: Schema.String,
  stderrTail: Schema.String
})

/** What `test-runner` returns. */
export type TestRun = {
  readonly kind: "test-run"
  readonly command: string | ReadonlyArray<string>
  readonly cwd: string
  /** True when the command exited with 0 within its time limit and no failed test was reported. */
  readonly passed: boolean
  readonly exitCode: number | null
  readonly signal: string | null
  readonly timedOut: boolean
  readonly durationMs: number
  /** Counts from the reporter's summary, or `null` when none was recognised. */
  readonly counts: TestCounts | null
  /** The last lines of the output. */
  readonly outputTail: string
}

const npmPlaceholder = /no test specified/

const testScriptOf = (packageJson: string): string | undefined => {
  try {
    const scripts = (JSON.parse(packageJson) as { readonly scripts?: { readonly test?: unknown } }).scripts
    return typeof scripts?.test === "string" && scripts.test.trim() !== "" && !npmPlaceholder.test(scripts.test)
      ? scripts.test
      : undefined
  } catch {
    return undefined
  }
}

/** `the tests failed (exit code 1): 1 failed, 3 passed, 0 skipped of 4 (vitest)`: the summary a caller sees. */
const failureMessage = (run: TestRun): string => {
  const how = run.timedOut
    ? "the tests ran past their time limit"
    : `the tests failed (${run.exitCode === null ? `killed by ${run.signal ?? "a signal"}` : `exit code ${run.exitCode}`})`
  const { counts } = run
  return counts === null
    ? how
    : `${how}: ${counts.failed} failed, ${counts.passed} passed, ${counts.skipped} skipped of ${counts.total} (${counts.reporter})`
}

/** The report a runner wrote, or `undefined` if it wrote none (it crashed, or the file is too large to read). */
const readReport = (ctx: AgentContext, options: AgentOptions, path: string) =>
  useSkill(ctx, fsReadId, { path }, scopeOf(options, [path])).pipe(
    Effect.flatMap(decodeFile),
    Effect.map((file): string | undefined => file.content),
    Effect.orElseSucceed(() => undefined)
  )

const noTestCommand = (cwd: string, why: string) =>
  new AgentFailure({
    code: "NO_TEST_COMMAND",
    message: `no test command given, and ${why} (${joinRelative(cwd, "package.json")}); pass \`command\``,
    retryable: false
  })

/**
 * `test-runner`: runs the repository's tests through `shell.run` (so it waits for approval first, like any
 * command) — the given `command`, or `scripts.test` of `package.json` with `node_modules/.bin` on the PATH —
 * and reports `{ kind: "test-run", command, cwd, passed, exitCode, signal, timedOut, durationMs, counts:
 * { reporter, from, passed, failed, skipped, total } | null, outputTail }`. The command's output lines are
 * streamed as the task's `stdout`/`stderr` outputs while it runs. A command that runs vitest, jest,
 * `node --test` or pytest directly also writes the runner's machine-readable report, which the counts come
 * from (`from: "report"`); otherwise they come from the vitest, jest, node:test, mocha or pytest summary in
 * the output (`from: "output"`). When the tests fail, the task fails with `TESTS_FAILED` (its message the summary,
 * the run recorded as output `test-run`), unless `failOnFailure: false` or it runs as a workflow step.
 */
export const testRunner = (options: AgentOptions = {}): AgentDefinition => {
  const decode = agentInputDecoder(TestRunnerInput, testRunnerId)
  const decodeShell = skillResultDecoder(ShellResult, shellRunId)
  return defineAgent({
    id: testRunnerId,
    name: "Test runner",
    description:
      "Runs the repository's test command (given, or scripts.test of package.json), streams its output and reports pass/fail counts and the exit code.",
    capabilities: ["test", "shell"],
    input: { schema: TestRunnerInput, example: { command: "npm test", timeoutMs: 120_000 } },
    skills: [fsReadId, shellRunId],
    run: (input, ctx) =>
      Effect.gen(function* () {
        const { request, step } = yield* decode(input)
        const cwd = yield* relativeInput(request.cwd, "cwd")
        const command: string | ReadonlyArray<string> =
          request.command ??
          (yield* Effect.gen(function* () {
            const manifest = joinRelative(cwd, "package.json")
            const read = yield* useSkill(ctx, fsReadId, { path: manifest }, scopeOf(options, [manifest])).pipe(
              Effect.mapError(() => noTestCommand(cwd, "there is no readable package.json"))
            )
            const script = testScriptOf((yield* decodeFile(read)).content)
            if (script === undefined) return yield* noTestCommand(cwd, "package.json has no `scripts.test`")
            return script
          }))
        const argv = typeof command === "string" ? [command] : [...command]
        yield* ctx.progress(5, `running ${argv.join(" ")}`)
        // A known runner also writes its machine-readable report, read back below; other commands run as given.
        const plan = testReportPlan(command)
        const ran = yield* decodeShell(
          yield* useSkill(
            ctx,
            shellRunId,
            {
              command: plan === undefined ? argv : [plan.command],
              ...(typeof command === "string" || plan !== undefined ? { shell: true } : {}),
              cwd,
              env: { CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
              prependPath: [joinRelative(cwd, "node_modules/.bin")],
              ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs })
            },
            scopeOf(options, [cwd])
          )
        )
        const output = `${ran.stdoutTail}\n${ran.stderrTail}`
        const reported = plan === undefined ? undefined : yield* readReport(ctx, options, joinRelative(cwd, plan.file))
        const counts =
          (plan === undefined || reported === undefined
            ? undefined
            : parseTestReport(plan.format, plan.reporter, reported)) ??
          parseTestSummary(output) ??
          null
        const run: TestRun = {
          kind: "test-run",
          command,
          cwd,
          passed: ran.exitCode === 0 && !ran.timedOut && (counts?.failed ?? 0) === 0,
          exitCode: ran.exitCode,
          signal: ran.signal,
          timedOut: ran.timedOut,
          durationMs: ran.durationMs,
          counts,
          outputTail: output.trim().slice(-4_000)
        }
        yield* ctx.progress(100, run.passed ? "tests passed" : "tests failed")
        // A caller that submits a test run wants a failed task when the tests fail (an exit code, a red
        // status); a workflow step completes with `passed: false` so the next steps (the review) see it.
        if ((request.failOnFailure ?? step === undefined) && !run.passed) {
          yield* ctx.output("test-run", run as unknown as JsonValue)
          return yield* new AgentFailure({ code: "TESTS_FAILED", message: failureMessage(run), retryable: false })
        }
        return run
      })
  })
}
