import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CoderclawServer, type StartServerOptions, startServer } from "@coderclaw/cli"
import type { SecurityShape } from "@coderclaw/security"
import { Effect, type Scope } from "effect"
import { fileCounter } from "../agents/fileCounter.js"
import { demoSecurityConfig } from "../config/demoSecurityConfig.js"
import type { DemoUser } from "../config/demoUsers.js"
import { DemoError } from "../DemoError.js"
import { describeFailure } from "../mesh/clientCall.js"
import type { Narrator } from "../narrate/Narrator.js"

const step = "start the mesh"

/** A fresh directory for the database, removed with everything in it when the scope closes. */
const temporaryDirectory = Effect.acquireRelease(
  Effect.try({
    try: () => mkdtempSync(join(tmpdir(), "coderclaw-demo-")),
    catch: (error) =>
      new DemoError({
        step,
        reason: "StartFailed",
        detail: `cannot create a temporary directory: ${describeFailure(error)}`
      })
  }),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** Creates one local account (security records who created it in the audit log). */
const createUser = (security: SecurityShape, user: DemoUser) =>
  security.admin
    .createUser(
      { username: user.username, password: user.password, roles: [user.role] },
      { actor: "system:demo", via: "demo" }
    )
    .pipe(
      Effect.mapError(
        (error) =>
          new DemoError({
            step,
            reason: "StartFailed",
            detail: `cannot create user ${user.username}: ${error.message}`
          })
      )
    )

/**
 * Step 1: starts the server exactly as `coderclaw serve` would (`startServer`): the runtime on a fresh
 * SQLite file in a temporary directory, holding the journal and the security state together; the built-in
 * agents and skills on `repository`, the workflow agent and the demo's `file-counter`; an authenticated
 * WebSocket server on 127.0.0.1, port 0. Then creates one account per built-in role.
 */
export const startMesh = (options: {
  readonly narrator: Narrator
  readonly repository: string
  readonly repositoryName: string
  readonly users: ReadonlyArray<DemoUser>
  readonly inspect?: NonNullable<StartServerOptions["inspect"]>
}): Effect.Effect<CoderclawServer, DemoError, Scope.Scope> =>
  Effect.gen(function* () {
    const { narrator } = options
    yield* narrator.section("Start the mesh: runtime + SQLite journal + security + WebSocket server")
    const dir = yield* temporaryDirectory
    const database = join(dir, "coderclaw.db")
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          startServer({
            cwd: dir,
            config: { host: "127.0.0.1", port: 0, database, repository: options.repository },
            security: demoSecurityConfig,
            agents: [fileCounter(options.repositoryName)],
            // The LLM agent stays off: the demo does real work offline.
            env: {},
            ...(options.inspect === undefined ? {} : { inspect: options.inspect })
          }),
        catch: (error) =>
          new DemoError({ step, reason: "StartFailed", detail: `the server did not start: ${describeFailure(error)}` })
      }),
      (started) => Effect.promise(() => started.close().catch(() => undefined))
    )
    yield* narrator.line(`server      ${server.url} (listening on 127.0.0.1 only)`)
    yield* narrator.line(`database    ${database} (journal, accounts, sessions, devices, audit log)`)
    yield* narrator.line(`repository  ${options.repository}`)
    yield* narrator.line(`agents      ${server.agentIds.join(", ")}`)
    for (const user of options.users) {
      yield* createUser(server.security, user)
      yield* narrator.line(`user        ${user.username.padEnd(8)} role ${user.role}`)
    }
    return server
  })
