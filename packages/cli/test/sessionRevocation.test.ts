import { spawn } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { deviceProofSigner, generateDeviceKey } from "@coderclaw/security"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { cliHome } from "../src/client/CliHome.js"
import { readSession } from "../src/client/sessionFile.js"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { password, removeDir, runCli, tempDir, testAgents, testSkills } from "./support/harness.js"
import { RawWire, type WireFrame } from "./support/rawWire.js"

/** The scopes of the principal a hello answered with. */
const scopesOf = (hello: WireFrame): unknown => (hello.result?.principal as { scopes?: unknown } | undefined)?.scopes

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

let dir: string
let server: CoderclawServer
const wires: Array<RawWire> = []

/** A server whose periodic session sweep is off (an hour), so a test sees what each call and delivery checks. */
const start = async (sessionCheckIntervalMs = 3_600_000) => {
  dir = await tempDir("revoke")
  server = await startServer({
    cwd: dir,
    config: { port: 0, database: "db/coderclaw.db" },
    agents: testAgents,
    skills: testSkills,
    env: {},
    limits: { sessionCheckIntervalMs }
  })
  for (const [username, roles] of [
    ["alice", ["admin"]],
    ["bob", ["developer"]]
  ] as const) {
    await runEffect(server.security.users.createUser({ username, password, roles: [...roles] }))
  }
}

const runEffect = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

afterEach(async () => {
  for (const wire of wires.splice(0)) wire.close()
  await server?.close()
  await removeDir(dir)
})

const login = async (username: string, device?: (nonce: string) => unknown) => {
  const { wire, hello } = await RawWire.connect(server.url, { type: "password", username, password }, device)
  wires.push(wire)
  expect(hello.error, JSON.stringify(hello.error)).toBeUndefined()
  return { wire, token: String((hello.result?.session as { token?: string } | undefined)?.token), hello }
}

const withToken = async (token: string) => {
  const { wire, hello } = await RawWire.connect(server.url, { type: "token", token })
  wires.push(wire)
  return { wire, hello }
}

const submit = async (wire: RawWire, description: string) => {
  const answer = await wire.call("task.submit", { request: { agentId: "echo", description, input: { description } } })
  expect(answer.error, JSON.stringify(answer.error)).toBeUndefined()
  return String(answer.result?.id)
}

const completed = async (wire: RawWire, taskId: string) => {
  const deadline = Date.now() + 20_000
  for (;;) {
    const task = await wire.call("task.get", { taskId })
    if (task.result?.status === "completed") return
    if (Date.now() > deadline) throw new Error(`task ${taskId} did not complete: ${JSON.stringify(task)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const eventsOf = (wire: RawWire, taskId: string) =>
  wire.frames.filter((frame) => frame.method === "task.event" && frame.params?.taskId === taskId)

const expectRevoked = (frame: WireFrame) => {
  expect(frame.error, JSON.stringify(frame)).toBeDefined()
  expect(frame.error?.data?.code).toBe("UNAUTHENTICATED")
  expect(frame.error?.message).toMatch(/revoked/)
}

/** Runs `coderclaw …` as a separate process (`node dist/bin.js`), as an operator on the server's machine would. */
const cliProcess = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: dir,
      env: { ...process.env, CODERCLAW_HOME: join(dir, "home") }
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

describe("revocation reaches live sessions", () => {
  it("disabling an account from another process: its next call is refused and its open stream delivers nothing more", async () => {
    await start()
    const alice = await login("alice")
    const bob = await login("bob")
    expect((await alice.wire.call("task.subscribeAll", {})).result).toHaveProperty("subscriptionId")
    const before = await submit(bob.wire, "before")
    await completed(bob.wire, before)
    await alice.wire.next((frame) => frame.method === "task.event" && frame.params?.taskId === before)

    const disabled = await cliProcess(["users", "disable", "alice", "--database", join(dir, "db/coderclaw.db")])
    expect(disabled.code, disabled.stderr).toBe(0)

    const after = await submit(bob.wire, "after")
    await completed(bob.wire, after)
    // The stream's next delivery checks the session first: nothing of bob's new task reaches alice.
    const ended = await alice.wire.closed
    expect(ended.code).toBe(4013)
    expect(eventsOf(alice.wire, after)).toEqual([])
    // Her token is refused, and a fresh connection on another process's session gets nothing either.
    const again = await withToken(alice.token)
    expectRevoked(again.hello)
    // Bob is untouched.
    expect((await bob.wire.call("connection.ping")).result).toBeDefined()
  })

  it("changing an account's roles revokes its sessions: the next call gets UNAUTHENTICATED (revoked), then 4013", async () => {
    await start()
    const alice = await login("alice")
    expect((await alice.wire.call("runtime.status")).error).toBeUndefined()
    const ran = await runCli(["users", "set-roles", "alice", "--role", "readonly", "--database", "db/coderclaw.db"], {
      home: join(dir, "home"),
      cwd: dir
    })
    expect(ran.code, ran.stderr).toBe(0)
    expectRevoked(await alice.wire.call("connection.ping"))
    expect((await alice.wire.closed).code).toBe(4013)
  })

  it("deleting an account revokes its sessions at once", async () => {
    await start()
    const alice = await login("alice")
    await runEffect(server.security.users.deleteUser("alice"))
    expectRevoked(await alice.wire.call("agent.list"))
  })

  it("a revoked session's idle connection is closed by the periodic check, without any call", async () => {
    await start(100)
    const bob = await login("bob")
    await runEffect(server.security.users.disable("bob"))
    expect((await bob.wire.closed).code).toBe(4013)
  })

  it("session.logout ends the session on the server: its token is refused from then on", async () => {
    await start()
    const bob = await login("bob")
    const other = await withToken(bob.token)
    expect(other.hello.error).toBeUndefined()
    expect((await bob.wire.call("session.logout")).result).toEqual({ revoked: true })
    expect((await bob.wire.closed).code).toBe(4013)
    expectRevoked((await withToken(bob.token)).hello)
    expectRevoked(await other.wire.call("connection.ping"))
  })

  it("`coderclaw logout` ends the saved session on the server, not only the local file", async () => {
    await start()
    const home = join(dir, "home")
    const loggedIn = await runCli(["login", "-u", "bob", "--password-stdin", "--server", server.url], {
      home,
      cwd: dir,
      stdin: password
    })
    expect(loggedIn.code, loggedIn.stderr).toBe(0)
    const saved = readSession(cliHome({ CODERCLAW_HOME: home }, dir))
    const token = saved?.token as string
    expect((await withToken(token)).hello.error).toBeUndefined()
    const loggedOut = await runCli(["logout", "--json"], { home, cwd: dir })
    expect(loggedOut.code, loggedOut.stderr).toBe(0)
    expect(JSON.parse(loggedOut.stdout)).toMatchObject({ loggedOut: true, endedOnServer: true })
    expectRevoked((await withToken(token)).hello)
  })

  it("`coderclaw sessions list|revoke` lists live sessions with device and times, and revokes one or all of a user's", async () => {
    await start()
    const key = generateDeviceKey()
    const alice = await login("alice", deviceProofSigner(key, { scopes: [] }))
    const bob1 = await login("bob")
    const bob2 = await login("bob")
    const cli = (args: ReadonlyArray<string>) =>
      runCli([...args, "--database", "db/coderclaw.db", "--json"], { home: join(dir, "home"), cwd: dir })

    const listed = await cli(["sessions", "list"])
    expect(listed.code, listed.stderr).toBe(0)
    const all = JSON.parse(listed.stdout) as Array<Record<string, unknown>>
    expect(all.map((session) => session.principalId).sort()).toEqual(["local:alice", "local:bob", "local:bob"])
    const aliceSession = all.find((session) => session.principalId === "local:alice")
    expect(aliceSession).toMatchObject({ deviceId: key.deviceId, roles: ["admin"] })
    expect(aliceSession?.expiresAt as number).toBeGreaterThan(aliceSession?.createdAt as number)
    const onlyBob = JSON.parse((await cli(["sessions", "list", "--user", "bob"])).stdout) as Array<unknown>
    expect(onlyBob).toHaveLength(2)

    const one = await cli(["sessions", "revoke", String(aliceSession?.sessionId)])
    expect(one.code, one.stderr).toBe(0)
    expectRevoked(await alice.wire.call("connection.ping"))
    expect((await bob1.wire.call("connection.ping")).error).toBeUndefined()

    const every = await cli(["sessions", "revoke", "--user", "local:bob"])
    expect(JSON.parse(every.stdout)).toEqual({ revoked: 2 })
    expectRevoked(await bob1.wire.call("connection.ping"))
    expectRevoked(await bob2.wire.call("connection.ping"))
    expect(JSON.parse((await cli(["sessions", "list"])).stdout)).toEqual([])
  })
})

describe("device proofs that narrow scopes are enforced", () => {
  it("a connection whose proof asks for task:read only may read but not submit, on every call", async () => {
    await start()
    const key = generateDeviceKey()
    const narrow = await login("alice", deviceProofSigner(key, { scopes: ["task:read"] }))
    expect(scopesOf(narrow.hello)).toEqual(["task:read"])
    const refused = await narrow.wire.call("task.submit", { request: { agentId: "echo", description: "x" } })
    expect(refused.error?.data?.code, JSON.stringify(refused)).toBe("FORBIDDEN")
    expect(refused.error?.message).toContain("scope")
    expect((await narrow.wire.call("runtime.status")).error?.data?.code).toBe("FORBIDDEN")
    expect((await narrow.wire.call("task.list", {})).error).toBeUndefined()

    // Reconnecting with the session's token keeps the narrowing, and a new proof can narrow further but never widen.
    const wider = await RawWire.connect(
      server.url,
      { type: "token", token: narrow.token },
      deviceProofSigner(key, { scopes: ["task:read", "task:submit"] })
    )
    wires.push(wider.wire)
    expect(scopesOf(wider.hello)).toEqual(["task:read"])
    expect(
      (await wider.wire.call("task.submit", { request: { agentId: "echo", description: "x" } })).error?.data?.code
    ).toBe("FORBIDDEN")

    // Without narrowing, the same account submits.
    const full = await login("alice", deviceProofSigner(key, { scopes: [] }))
    expect(
      (await full.wire.call("task.submit", { request: { agentId: "echo", description: "x" } })).error
    ).toBeUndefined()
  })

  it("scopes never add a permission the roles lack", async () => {
    await start()
    const alice = await login("alice")
    const hers = await submit(alice.wire, "alice's")
    // bob (developer) asks for task:read:any: his roles lack it, so he still cannot read alice's task.
    const bob = await login("bob", deviceProofSigner(generateDeviceKey(), { scopes: ["task:read:any", "task:read"] }))
    const read = await bob.wire.call("task.get", { taskId: hers })
    expect(read.error, JSON.stringify(read)).toBeDefined()
    expect(["FORBIDDEN", "TASK_NOT_FOUND"]).toContain(read.error?.data?.code)
    // What both the roles and the scopes grant still works.
    expect((await bob.wire.call("task.list", {})).error).toBeUndefined()
  })
})
