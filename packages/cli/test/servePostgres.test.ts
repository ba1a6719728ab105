import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type {} from "@coderclaw/postgres-harness/globalSetup"
import type { TaskId } from "@coderclaw/protocol"
import { PostgresJournal } from "@coderclaw/store-postgres"
import { PostgresSecurityStore } from "@coderclaw/store-postgres/security"
import { Effect, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { jsonLines, password, removeDir, runCli, tempDir, testAgents } from "./support/harness.js"

const pg = inject("postgres")
const url = `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}`
const schema = `cli_${process.pid}`
// The password reaches the server only through this environment variable.
const env = { CODERCLAW_TEST_PG_PASSWORD: pg.password }

let dir: string
let server: CoderclawServer
const output: Array<string> = []

beforeAll(async () => {
  dir = await tempDir("postgres")
  await mkdir(join(dir, ".coderclaw"))
  await writeFile(
    join(dir, ".coderclaw", "runtime.yaml"),
    `journal: ${url}\npostgres:\n  schema: ${schema}\n  passwordEnv: CODERCLAW_TEST_PG_PASSWORD\n`
  )
  server = await startServer({
    cwd: dir,
    config: { port: 0, journal: url, postgres: { schema, passwordEnv: "CODERCLAW_TEST_PG_PASSWORD" } },
    agents: testAgents,
    env
  })
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

const cli = async (argv: ReadonlyArray<string>, stdin?: string) => {
  const ran = await runCli(argv, {
    home: join(dir, "home"),
    cwd: dir,
    env: { ...env, CODERCLAW_SERVER: server.url },
    ...(stdin === undefined ? {} : { stdin })
  })
  output.push(ran.stdout, ran.stderr)
  return ran
}

describe("coderclaw serve with journal: postgres://…", () => {
  it("keeps accounts and tasks on PostgreSQL and runs a task end to end", async () => {
    const added = await cli(["users", "add", "alice", "--role", "admin", "--password-stdin"], password)
    expect(added.code, added.stderr).toBe(0)
    const login = await cli(["login", "--user", "alice", "--password-stdin"], password)
    expect(login.code, login.stderr).toBe(0)
    const submitted = await cli(["submit", "echo", '{"n":7}', "--wait", "--json"])
    expect(submitted.code, submitted.stderr).toBe(0)
    const last = jsonLines(submitted.stdout).at(-1) as { task?: { id: string; status: string; result?: unknown } }
    expect(last.task).toMatchObject({ status: "completed", result: { echoed: { n: 7 } } })
    const taskId = last.task?.id as TaskId

    // The account and the audit log are in the schema on the server, not in a file.
    const stored = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const options = { url, schema, password: Redacted.make(pg.password) }
          const stores = yield* PostgresSecurityStore.make(options)
          const journal = yield* PostgresJournal.make({ ...options, exclusive: false })
          return {
            user: yield* stores.users.find("alice"),
            audit: yield* stores.audit.readRange(1, Number.POSITIVE_INFINITY),
            // Read beside the server's journal (which owns the schema), as another node would.
            task: Option.getOrUndefined(yield* journal.loadTask(taskId))
          }
        })
      )
    )
    expect(stored.user._tag).toBe("Some")
    expect(stored.audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(["user.create", "auth.connect"]))
    expect(stored.task?.status).toBe("completed")
    // The database password appears nowhere: not in any output, not in any audit entry.
    expect(output.join("\n")).not.toContain(pg.password)
    expect(JSON.stringify(stored.audit)).not.toContain(pg.password)
    expect(JSON.stringify(server.config)).not.toContain(pg.password)
  })

  it("refuses a runtime.yaml journal URL that carries a password", async () => {
    const bad = await runCli(["serve"], {
      home: join(dir, "home"),
      cwd: await (async () => {
        const other = join(dir, "other")
        await mkdir(join(other, ".coderclaw"), { recursive: true })
        await writeFile(join(other, ".coderclaw", "runtime.yaml"), `journal: postgres://u:secret@127.0.0.1:5432/db\n`)
        return other
      })()
    })
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain("journal")
    expect(bad.stderr).toContain("without a password")
  })
})
