import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { isRuntimeError } from "@coderclaw/protocol"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { addUser, signIn } from "../src/index.js"
import type { CoderclawServer } from "../src/server/startServer.js"
import { password, removeDir, runCli, startTestServer, tempDir } from "./support/harness.js"

// Two real servers on loopback, each with its own database, identity key and an account of the same name.
let dir: string
let serverA: CoderclawServer
let serverB: CoderclawServer
let home: string

beforeAll(async () => {
  dir = await tempDir("binding")
  await mkdir(join(dir, "a"))
  await mkdir(join(dir, "b"))
  serverA = await startTestServer(join(dir, "a"))
  serverB = await startTestServer(join(dir, "b"))
  home = join(dir, "home")
  for (const server of [serverA, serverB]) await addUser(server, { username: "alice", password, roles: ["developer"] })
})

afterAll(async () => {
  await serverA?.close()
  await serverB?.close()
  await removeDir(dir)
})

/** Every audit entry of a server, oldest first. */
const auditOf = async (server: CoderclawServer) => {
  const page = await Effect.runPromise(
    server.security.audit.query({ principalId: "system:test", permissions: new Set(["audit:read"]) }, { limit: 1_000 })
  )
  return [...page.items].sort((a, b) => a.seq - b.seq)
}

const cli = (argv: ReadonlyArray<string>, server: CoderclawServer, stdin?: string) =>
  runCli(argv, { home, cwd: dir, env: { CODERCLAW_SERVER: server.url }, ...(stdin === undefined ? {} : { stdin }) })

describe("saved credentials are bound to the server that issued them", () => {
  it("server B refuses a session token issued by server A", async () => {
    const fromA = await signIn({ url: serverA.url, credentials: { type: "password", username: "alice", password } })
    await fromA.client.close()
    const token = fromA.session?.token as string
    expect(fromA.hello.server?.keyId).toMatch(/^srv_/)

    const refused = await signIn({ url: serverB.url, credentials: { type: "token", token } }).catch(
      (error: unknown) => error
    )
    expect(isRuntimeError(refused) && refused._tag === "Unauthenticated" && refused.reason).toBe("invalid_credentials")
    // A's token names A's identity as its audience; B's differs.
    expect(serverA.security.serverIdentity.key.keyId).not.toBe(serverB.security.serverIdentity.key.keyId)
  })

  it("the CLI never sends the token saved for server A to server B", async () => {
    const login = await cli(["login", "-u", "alice", "--password-stdin", "--json"], serverA, password)
    expect(login.code).toBe(0)
    const ok = await cli(["status", "--json"], serverA)
    expect(ok.code).toBe(0)

    const before = (await auditOf(serverB)).length
    const sent = await cli(["status", "--json"], serverB)
    expect(sent.code).toBe(3)
    expect(sent.stderr).toContain("did not prove the identity key")
    expect(sent.stderr).toContain("coderclaw login --server")
    // B never saw a connect: no authentication attempt was recorded there.
    const after = await auditOf(serverB)
    expect(after.slice(before).filter((entry) => entry.action.startsWith("auth."))).toEqual([])

    // The same saved session still works against A, which proves the pinned key.
    const again = await cli(["status", "--json"], serverA)
    expect(again.code).toBe(0)
  })
})
