import { accessSync, constants } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { delimiter, isAbsolute, join, resolve } from "node:path"
import { defineSkill, type SkillCall, type SkillDefinition } from "@coderclaw/runtime"
import { Effect, Fiber, Option, Schema } from "effect"
import { CommandError } from "../CommandError.js"
import { inputDecoder } from "../internal/decodeInput.js"
import { LineCollector } from "../internal/LineCollector.js"
import { confinePath, RelativePath, type ResolvedRepository, resolveRepository } from "../internal/paths.js"
import { type GroupProcess, spawnGroup, terminateGroup } from "../internal/processGroup.js"
import { sandboxArgs } from "../internal/sandboxArgs.js"
import { defaultBwrap, probeSandbox } from "../probeSandbox.js"
import type { RepositoryError } from "../RepositoryError.js"
import type { RepositoryOptions } from "../RepositoryOptions.js"

/** The id of the `shell.run` skill. */
export const shellRunId = "shell.run"

/** The variables of the runtime's environment a command inherits by default: none that usually hold secrets. */
export const defaultEnvAllowList: ReadonlyArray<string> = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_CTYPE",
  "TERM",
  "TMPDIR",
  "TZ",
  "SYSTEMROOT",
  "COMSPEC",
  "PATHEXT",
  "WINDIR"
]

/** How `shell.run` is set up: the repository it runs in, and its limits. */
export interface ShellRunOptions extends RepositoryOptions {
  /** Variables of the runtime's environment a command inherits. Default `defaultEnvAllowList`. */
  readonly envAllowList?: ReadonlyArray<string>
  /** Time limit when a call gives none. Default 120,000 ms. */
  readonly defaultTimeoutMs?: number
  /** Most a call's `timeoutMs` may ask for. Default 3,600,000 ms. */
  readonly maxTimeoutMs?: number
  /** How long a stopped command gets between `SIGTERM` and `SIGKILL`. Default 2,000 ms. */
  readonly killGraceMs?: number
  /** Characters of stdout and of stderr kept for the result. Default 16,384 each. */
  readonly tailChars?: number
  /** Most lines of each stream sent as task outputs while the command runs. Default 10,000. */
  readonly maxStreamedLines?: number
  /** How often collected lines are sent as task outputs. Default 100 ms. */
  readonly flushIntervalMs?: number
  /** The bubblewrap program that confines commands. Default `bwrap` (found on `PATH`). */
  readonly bwrap?: string
  /**
   * The operator's opt-out: when no sandbox is available (bubblewrap missing, or unable to create one here),
   * run commands unconfined, as the server's own user, instead of refusing them. Default false. When a
   * sandbox is available it is used whatever this says.
   */
  readonly allowUnsandboxed?: boolean
}

/**
 * The longest input `shell.run` accepts, as compact JSON: a person approving a command reads all of it
 * (the approval summary shows inputs up to 3,000 characters whole), so nothing longer is ever run.
 */
export const shellRunMaxInputChars = 2_000

const EnvName = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z_][A-Za-z0-9_]*$/, { expected: "an environment variable name" }),
    Schema.isMaxLength(128)
  )
)

/**
 * `{ command, shell?, cwd?, env?, prependPath?, timeoutMs? }`: `command` is an argv array run without a
 * shell; with `shell: true` it is one string run by `/bin/sh -c`. `cwd` and the `prependPath` directories
 * are repository-relative.
 */
const ShellRunInput = Schema.Struct({
  command: Schema.Array(Schema.String.pipe(Schema.check(Schema.isMaxLength(32_768)))).pipe(
    Schema.check(Schema.isMinLength(1), Schema.isMaxLength(1_024))
  ),
  shell: Schema.optionalKey(Schema.Boolean),
  cwd: Schema.optionalKey(RelativePath),
  env: Schema.optionalKey(Schema.Record(EnvName, Schema.String.pipe(Schema.check(Schema.isMaxLength(32_768))))),
  prependPath: Schema.optionalKey(Schema.Array(RelativePath).pipe(Schema.check(Schema.isMaxLength(16)))),
  timeoutMs: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))))
})
type ShellRunInput = typeof ShellRunInput.Type

/** What `shell.run` returns once the command ended. */
export type ShellRunResult = {
  readonly command: ReadonlyArray<string>
  readonly cwd: string
  /** The exit code, or `null` when a signal stopped the process. */
  readonly exitCode: number | null
  readonly signal: string | null
  /** True when the time limit stopped the command (and everything it started). */
  readonly timedOut: boolean
  readonly durationMs: number
  readonly stdoutTail: string
  readonly stderrTail: string
  readonly lines: { readonly stdout: number; readonly stderr: number }
  /** Lines not streamed as outputs because of the streaming limit (they may still be in the tails). */
  readonly droppedLines: { readonly stdout: number; readonly stderr: number }
}

const display = (argv: ReadonlyArray<string>) =>
  argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
    .join(" ")
    .slice(0, 1_000)

/**
 * Finds a program the way `execvp` would (a path with a slash is taken relative to `cwd`), so a missing
 * program is a `SpawnFailed` error before anything starts, sandboxed or not.
 */
const findProgram = (file: string, cwd: string, path: string | undefined): string | undefined => {
  const executable = (candidate: string) => {
    try {
      accessSync(candidate, constants.X_OK)
      return true
    } catch {
      return false
    }
  }
  if (file.includes("/")) {
    const candidate = isAbsolute(file) ? file : resolve(cwd, file)
    return executable(candidate) ? candidate : undefined
  }
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue
    const candidate = join(isAbsolute(dir) ? dir : resolve(cwd, dir), file)
    if (executable(candidate)) return candidate
  }
  return undefined
}

/** The extra PATH directories that exist in the repository (missing ones, e.g. `node_modules/.bin`, are skipped). */
const binDirectories = (repository: ResolvedRepository, dirs: ReadonlyArray<string>) =>
  Effect.forEach(dirs, (dir) =>
    confinePath(repository, dir, { scope: undefined, kind: "directory" }).pipe(
      Effect.map((found) => [found.absolute]),
      Effect.catchIf(
        (error) => error.reason === "NotFound",
        () => Effect.succeed([] as Array<string>)
      )
    )
  ).pipe(Effect.map((found) => found.flat()))

/**
 * `shell.run`: runs a command in the repository. DANGEROUS: declared `dangerous`, so a runtime asks for a
 * person's approval (under `Authorizer.permissive`, for every call) before it runs.
 *
 * - No shell unless `shell: true`; the working directory is confined to the repository (and authorised like
 *   any path a skill touches); the command sees only the allow-listed variables of the runtime's
 *   environment plus the call's `env`; the input is at most `shellRunMaxInputChars` characters, so the
 *   approval summary shows all of it.
 * - It runs in a bubblewrap sandbox (see `sandboxArgs`): the repository (its `.git` read-only, hidden entries
 *   masked), a private scratch dir as `/tmp` and `HOME`, the system directories read-only, no network, its
 *   own PID namespace. Without a working sandbox it fails with `SandboxUnavailable` unless the operator opted
 *   out (`allowUnsandboxed`).
 * - While it runs, its stdout and stderr lines are sent as outputs `stdout` / `stderr` of the calling task
 *   (`{ lines }`, batched every `flushIntervalMs`), with a log line when it starts and when it ends.
 * - On its time limit, and when the calling task is cancelled (the fiber interrupted), the sandbox gets
 *   `SIGTERM`, then `SIGKILL` after the grace period; its PID namespace ends with it, so every process the
 *   command started dies too, `setsid` or not. Unsandboxed, its process group is stopped instead.
 * - A non-zero exit or a timeout is a result (`exitCode`, `signal`, `timedOut`), not an error.
 */
export const shellRun = (options: ShellRunOptions): SkillDefinition => {
  const allowList = options.envAllowList ?? defaultEnvAllowList
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000
  const maxTimeoutMs = options.maxTimeoutMs ?? 3_600_000
  const killGraceMs = options.killGraceMs ?? 2_000
  const flushIntervalMs = options.flushIntervalMs ?? 100
  const limits = {
    tailChars: options.tailChars ?? 16_384,
    maxStreamedLines: options.maxStreamedLines ?? 10_000,
    maxLineChars: 2_000
  }
  const decode = inputDecoder(ShellRunInput, `${shellRunId} input`)
  const bwrap = options.bwrap ?? defaultBwrap
  const allowUnsandboxed = options.allowUnsandboxed ?? false

  const environment = (request: ShellRunInput, bin: ReadonlyArray<string>): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {}
    for (const name of allowList) if (process.env[name] !== undefined) env[name] = process.env[name]
    Object.assign(env, request.env ?? {})
    if (bin.length > 0) env.PATH = [...bin, ...(env.PATH === undefined ? [] : [env.PATH])].join(delimiter)
    return env
  }

  const run = (input: unknown, call: SkillCall): Effect.Effect<ShellRunResult, CommandError | RepositoryError> =>
    Effect.gen(function* () {
      const request = yield* decode(input).pipe(
        Effect.mapError((detail) => new CommandError({ reason: "InvalidInput", detail }))
      )
      const inputChars = JSON.stringify(input).length
      if (inputChars > shellRunMaxInputChars) {
        return yield* new CommandError({
          reason: "InvalidInput",
          detail: `the input is ${inputChars} characters long, above the limit of ${shellRunMaxInputChars}: a command must be short enough for the person approving it to read whole`
        })
      }
      if (request.shell === true && request.command.length !== 1) {
        return yield* new CommandError({
          reason: "InvalidInput",
          detail: "with `shell: true`, `command` must be one string (the shell command line)"
        })
      }
      const repository = yield* resolveRepository(options, call.scope)
      const cwd = yield* confinePath(repository, request.cwd ?? ".", {
        scope: call.scope,
        kind: "directory",
        refusedPaths: call.refusedPaths
      })
      const bin = yield* binDirectories(repository, request.prependPath ?? [])
      const [file, ...args] = request.shell === true ? ["/bin/sh", "-c", ...request.command] : request.command
      const timeoutMs = Math.min(request.timeoutMs ?? defaultTimeoutMs, maxTimeoutMs)
      const env = environment(request, bin)
      if (findProgram(file ?? "", cwd.absolute, env.PATH) === undefined) {
        return yield* new CommandError({
          reason: "SpawnFailed",
          detail: `cannot start ${file}: no such program (or it is not executable)`
        })
      }
      const sandbox = yield* Effect.promise(() => probeSandbox(bwrap))
      if (!sandbox.available && !allowUnsandboxed) {
        return yield* new CommandError({
          reason: "SandboxUnavailable",
          detail: `commands run only in a sandbox, and none is available: ${sandbox.reason}. Install bubblewrap, or opt out by listing ${shellRunId} under \`unsandboxed\` in runtime.yaml`
        })
      }
      const stdout = new LineCollector(limits)
      const stderr = new LineCollector(limits)

      const flush = Effect.gen(function* () {
        for (const [name, collector] of [
          ["stdout", stdout],
          ["stderr", stderr]
        ] as const) {
          for (let batch = collector.take(500); batch.length > 0; batch = collector.take(500)) {
            yield* call.output(name, { lines: batch })
          }
        }
      }).pipe(Effect.uninterruptible)

      yield* call.log("info", `$ ${display(request.command)}${cwd.relative === "." ? "" : ` (in ${cwd.relative})`}`)
      if (!sandbox.available) {
        yield* call.log("warn", `running without a sandbox (the operator opted out): ${sandbox.reason}`)
      }
      // The sandbox's /tmp and HOME: private to this command, removed when it ends.
      const scratch = sandbox.available
        ? yield* Effect.acquireRelease(
            Effect.promise(() => mkdtemp(join(tmpdir(), "coderclaw-sandbox-"))),
            (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }).catch(() => undefined))
          )
        : undefined
      const started = Date.now()
      const outcome = yield* Effect.acquireUseRelease(
        scratch === undefined
          ? spawnGroup(file ?? "", args, {
              cwd: cwd.absolute,
              env,
              onStdout: (chunk) => stdout.push(chunk),
              onStderr: (chunk) => stderr.push(chunk)
            })
          : spawnGroup(
              bwrap,
              sandboxArgs(
                {
                  root: repository.root,
                  cwd: cwd.absolute,
                  scratch,
                  hidden: repository.hidden.map((path) => join(repository.root, path))
                },
                file ?? "",
                args
              ),
              {
                cwd: cwd.absolute,
                env: { ...env, HOME: "/tmp", TMPDIR: "/tmp" },
                onStdout: (chunk) => stdout.push(chunk),
                onStderr: (chunk) => stderr.push(chunk)
              }
            ),
        (group: GroupProcess) =>
          Effect.gen(function* () {
            const streaming = yield* Effect.forkChild(
              Effect.forever(Effect.sleep(flushIntervalMs).pipe(Effect.andThen(flush)))
            )
            const exited = yield* Effect.promise(() => group.exit).pipe(Effect.timeoutOption(timeoutMs))
            // Stops the command on its time limit, and whatever it left running in its group otherwise.
            yield* terminateGroup(group, killGraceMs)
            const closed = yield* Effect.promise(() => group.closed).pipe(Effect.timeoutOption(2_000))
            if (Option.isNone(closed)) {
              group.child.stdout?.destroy()
              group.child.stderr?.destroy()
            }
            const exit = yield* Effect.promise(() => group.exit)
            yield* Fiber.interrupt(streaming)
            stdout.end()
            stderr.end()
            yield* flush
            return { exit, timedOut: Option.isNone(exited) }
          }),
        (group) => terminateGroup(group, killGraceMs)
      )
      const durationMs = Date.now() - started
      const { exit, timedOut } = outcome
      yield* call.log(
        exit.code === 0 && !timedOut ? "info" : "warn",
        timedOut
          ? `timed out after ${timeoutMs} ms; it and everything it started were stopped`
          : exit.code === null
            ? `stopped by ${exit.signal ?? "a signal"} after ${durationMs} ms`
            : `exited with code ${exit.code} after ${durationMs} ms`
      )
      if (stdout.dropped + stderr.dropped > 0) {
        yield* call.log(
          "warn",
          `${stdout.dropped + stderr.dropped} output lines were not streamed (limit ${limits.maxStreamedLines} per stream); the result keeps the tails`
        )
      }
      return {
        command: request.command,
        cwd: cwd.relative,
        exitCode: exit.code,
        signal: exit.signal,
        timedOut,
        durationMs,
        stdoutTail: stdout.tail,
        stderrTail: stderr.tail,
        lines: { stdout: stdout.lines, stderr: stderr.lines },
        droppedLines: { stdout: stdout.dropped, stderr: stderr.dropped }
      }
    }).pipe(Effect.scoped)

  return defineSkill({
    id: shellRunId,
    name: "Run a command",
    description:
      "Runs a command (argv, no shell unless asked) in the repository, in a sandbox that sees only the repository and a scratch dir (no network), with an allow-listed environment and a time limit, streaming its output lines; everything it started is killed on timeout or cancel. Dangerous: needs approval.",
    permissions: ["skill:execute"],
    dangerous: true,
    run
  })
}
