import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough, Readable } from "node:stream"
import { defineAgent, defineAsyncAgent, defineSkill } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import type { CliIo } from "../../src/cli/CliIo.js"
import { run } from "../../src/cli/run.js"
import { type CoderclawServer, startServer } from "../../src/server/startServer.js"

/** A password long enough for the default rules (12 characters). */
export const password = "correct horse battery staple"

/**
 * Agents with behaviour a test can steer: `echo` reports progress and returns its input, `ask` waits for
 * input, `guarded` calls a dangerous skill (so it waits for approval), `idle` runs until cancelled, `greet`
 * describes its input with a JSON Schema, `fail` fails.
 */
export const testAgents = [
  defineAgent({
    id: "echo",
    name: "Echo",
    run: (input, ctx) =>
      Effect.gen(function* () {
        yield* ctx.progress(50, "halfway")
        yield* ctx.log("info", "echoing")
        return { echoed: input }
      })
  }),
  defineAgent({
    id: "ask",
    name: "Ask",
    run: (_input, ctx) =>
      Effect.gen(function* () {
        const answer = yield* ctx.askInput("What is the answer?")
        return { answer }
      })
  }),
  defineAgent({
    id: "guarded",
    name: "Guarded",
    skills: ["test.dangerous"],
    run: (_input, ctx) =>
      Effect.gen(function* () {
        const done = yield* ctx.callSkill("test.dangerous", { what: "something risky" })
        return { done }
      })
  }),
  defineAsyncAgent({
    id: "idle",
    name: "Idle",
    run: (_input, ctx) =>
      new Promise((_resolve, reject) => {
        void ctx.progress(10, "idling until cancelled")
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true })
      })
  }),
  defineAgent({
    id: "greet",
    name: "Greet",
    description: "Greets someone by name.",
    input: {
      schema: Schema.Struct({
        name: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
        times: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))))
      }),
      example: { name: "Ada" }
    },
    run: (input) => Effect.succeed({ greeting: `Hello, ${(input as { name: string }).name}` })
  }),
  defineAgent({
    id: "fail",
    name: "Fail",
    run: () => Effect.fail(new Error("this agent always fails"))
  })
]

export const testSkills = [
  defineSkill({
    id: "test.dangerous",
    name: "Dangerous test skill",
    dangerous: true,
    run: () => Effect.succeed("ran")
  })
]

/** A temporary directory, removed by `cleanup`. */
export const tempDir = (prefix: string): Promise<string> => mkdtemp(join(tmpdir(), `coderclaw-cli-${prefix}-`))

export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true })

/** Starts a server on loopback, port 0, its database in `dir`. */
export const startTestServer = (dir: string): Promise<CoderclawServer> =>
  startServer({
    cwd: dir,
    config: { port: 0, database: "db/coderclaw.db" },
    agents: testAgents,
    skills: testSkills,
    env: {}
  })

/** What a command run printed and how it ended. */
export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const collect = (stream: PassThrough): (() => string) => {
  const chunks: Array<Buffer> = []
  stream.on("data", (chunk: Buffer) => chunks.push(chunk))
  return () => Buffer.concat(chunks).toString("utf8")
}

/** Runs one command line in-process with captured streams, `$CODERCLAW_HOME` at `home`, from `cwd`. */
export const runCli = async (
  argv: ReadonlyArray<string>,
  options: {
    readonly home: string
    readonly cwd: string
    readonly stdin?: string
    readonly env?: Record<string, string>
    readonly signal?: AbortSignal
  }
): Promise<Ran> => {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out = collect(stdout)
  const err = collect(stderr)
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: { CODERCLAW_HOME: options.home, ...options.env },
    cwd: options.cwd,
    ...(options.signal === undefined ? {} : { signal: options.signal })
  }
  const code = await run(argv, io)
  return { code, stdout: out(), stderr: err() }
}

/** Parses JSON-lines output. */
export const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>)

/** Runs command lines as one user (`$CODERCLAW_HOME` at `home`) against one server, from `cwd`. */
export type CliAs = (argv: ReadonlyArray<string>, stdin?: string) => Promise<Ran>

/**
 * Adds `alice` (admin) on the server's database file in `dir` and logs her in with `$CODERCLAW_HOME` at
 * `home`; resolves with a runner of her command lines against `url`.
 */
export const loggedInAdmin = async (url: string, dir: string, home: string): Promise<CliAs> => {
  const cli: CliAs = (argv, stdin) =>
    runCli(argv, { home, cwd: dir, env: { CODERCLAW_SERVER: url }, ...(stdin === undefined ? {} : { stdin }) })
  const added = await cli(
    ["users", "add", "alice", "--role", "admin", "--password-stdin", "--database", "db/coderclaw.db"],
    password
  )
  if (added.code !== 0) throw new Error(`users add failed: ${added.stderr}`)
  const login = await cli(["login", "--user", "alice", "--password-stdin"], password)
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`)
  return cli
}
