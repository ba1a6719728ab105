import { statSync } from "node:fs"
import { writeFile } from "node:fs/promises"
import { createServer } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CoderclawServer } from "../src/server/startServer.js"
import { jsonLines, password, type Ran, removeDir, runCli, startTestServer, tempDir } from "./support/harness.js"

let dir: string
let server: CoderclawServer
const homes = { alice: "", bob: "", dave: "", nobody: "" }

/** Runs a command as the user whose `$CODERCLAW_HOME` is `home`, against the test server. */
const cli = (argv: ReadonlyArray<string>, home = homes.alice, stdin?: string): Promise<Ran> =>
  runCli(argv, { home, cwd: dir, env: { CODERCLAW_SERVER: server.url }, ...(stdin === undefined ? {} : { stdin }) })

/** An admin command on the server's database file. */
const admin = (argv: ReadonlyArray<string>, stdin?: string): Promise<Ran> =>
  cli([...argv, "--database", "db/coderclaw.db"], homes.alice, stdin)

const json = <A = Record<string, unknown>>(ran: Ran): A => JSON.parse(ran.stdout) as A

interface Record_ {
  readonly id: string
  readonly status: string
  readonly waitingFor?: string
  readonly result?: unknown
}

const submitted = async (argv: ReadonlyArray<string>): Promise<string> => {
  const ran = await cli(["submit", ...argv, "--json"])
  expect(ran.code, ran.stderr).toBe(0)
  return json<Record_>(ran).id
}

/** Polls `show` until the task reaches `status` (the test fails if it never does). */
const reach = async (id: string, status: string): Promise<Record_> => {
  for (let attempt = 0; attempt < 200; attempt++) {
    const task = json<Record_>(await cli(["show", id, "--json"]))
    if (task.status === status) return task
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`task ${id} never reached ${status}`)
}

beforeAll(async () => {
  dir = await tempDir("run")
  homes.alice = join(dir, "home-alice")
  homes.bob = join(dir, "home-bob")
  homes.dave = join(dir, "home-dave")
  homes.nobody = join(dir, "home-nobody")
  server = await startTestServer(dir)
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("accounts and login", () => {
  it("users add creates local accounts on the database file, users list shows them", async () => {
    const added = await admin(["users", "add", "alice", "--role", "admin", "--password-stdin"], `${password}\n`)
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain("Created local:alice (roles: admin)")
    const bob = await admin(["users", "add", "bob", "--role", "developer", "--password-stdin", "--json"], password)
    expect(bob.code, bob.stderr).toBe(0)
    expect(json(bob)).toMatchObject({ principalId: "local:bob", roles: ["developer"] })

    const listed = await admin(["users", "list", "--json"])
    expect(json<Array<{ username: string }>>(listed).map((user) => user.username)).toEqual(["alice", "bob"])
    const again = await admin(["users", "add", "alice", "--role", "admin", "--password-stdin"], password)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain("already exists")
    const weak = await admin(["users", "add", "carol", "--role", "admin", "--password-stdin"], "short")
    expect(weak.code).toBe(2)
    const role = await admin(["users", "add", "carol", "--role", "wizard", "--password-stdin"], password)
    expect(role.code).toBe(2)
    expect(role.stderr).toContain("unknown role: wizard")
  })

  it("refuses a wrong password with exit 3 and saves nothing", async () => {
    const ran = await cli(
      ["login", "-u", "alice", "--password-stdin", "--json"],
      homes.alice,
      "not the password at all"
    )
    expect(ran.code).toBe(3)
    expect(ran.stderr).toContain("refused the credentials")
    expect(json<{ error: { code: string; reason: string } }>(ran).error).toMatchObject({
      code: "UNAUTHENTICATED",
      reason: "Connection"
    })
    const whoami = await cli(["whoami"])
    expect(whoami.code).toBe(1)
    expect(whoami.stderr).toContain("not logged in")
  })

  it("login saves the session (mode 0600) and the new device asks to be paired", async () => {
    const ran = await cli(["login", "-u", "alice", "--password-stdin", "--json"], homes.alice, `${password}\n`)
    expect(ran.code, ran.stderr).toBe(0)
    const login = json<{ trust: string; pairing: string; deviceId: string; principal: { id: string } }>(ran)
    expect(login).toMatchObject({ trust: "verified", pairing: "requested", principal: { id: "local:alice" } })
    expect(login.deviceId).toMatch(/^dev_/)
    expect(statSync(join(homes.alice, "session.json")).mode & 0o777).toBe(0o600)
    expect(statSync(join(homes.alice, "device.json")).mode & 0o777).toBe(0o600)

    const pending = await admin(["devices", "pending", "--json"])
    expect(json<Array<{ deviceId: string; principalId: string }>>(pending)).toEqual([
      expect.objectContaining({ deviceId: login.deviceId, principalId: "local:alice" })
    ])
    const approved = await admin(["devices", "approve", login.deviceId])
    expect(approved.code, approved.stderr).toBe(0)
    expect(approved.stdout).toContain(`device ${login.deviceId} is paired to local:alice`)
    const devices = await admin(["devices", "list", "--json"])
    expect(json<Array<{ deviceId: string; status: string }>>(devices)).toEqual([
      expect.objectContaining({ deviceId: login.deviceId, status: "paired" })
    ])

    // The saved session is reused, and the paired device now makes it trusted.
    const status = await cli(["status", "--json"])
    expect(status.code, status.stderr).toBe(0)
    expect(json(status)).toMatchObject({ principal: { id: "local:alice", trust: "trusted" } })
    // Health is measured (event-loop lag on a busy machine may make it `degraded`); the journal must be writable.
    expect(json<{ health: { checks: Array<unknown> } }>(status).health.checks).toContainEqual(
      expect.objectContaining({ name: "journal-writable", state: "ok" })
    )
    const human = await cli(["whoami"])
    expect(human.stdout).toContain(`local:alice on ${server.url}`)
  })

  it("bob logs in as a developer; an unknown device id cannot be approved", async () => {
    const ran = await cli(["login", "-u", "bob", "--password-stdin"], homes.bob, password)
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toContain("is not paired yet")
    expect(ran.stdout).toContain("coderclaw devices approve dev_")
    const unknown = await admin(["devices", "approve", "dev_unknown"])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("no pending pairing request for device dev_unknown")
  })
})

describe("tasks", () => {
  it("submit --wait follows a task to completion with plain lines off a terminal", async () => {
    const ran = await cli(["submit", "echo", '{"hello":"world"}', "--wait"])
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toContain("pending → planning")
    expect(ran.stdout).toContain("50% halfway")
    expect(ran.stdout).toContain("[info] echoing")
    expect(ran.stdout).toMatch(/✔ echo task \S+ completed/)
    expect(ran.stdout).toContain('"hello": "world"')
  })

  it("submit --wait --json prints one event per line and the final record last", async () => {
    const ran = await cli(["submit", "echo", "[1,2]", "--follow", "--json", "-d", "numbers", "--meta", "team=a=b"])
    expect(ran.code, ran.stderr).toBe(0)
    const lines = jsonLines(ran.stdout)
    const last = lines.at(-1) as { task: { status: string; result: unknown; description: string; metadata: unknown } }
    expect(last.task).toMatchObject({
      status: "completed",
      result: { echoed: [1, 2] },
      description: "numbers",
      metadata: { team: "a=b" }
    })
    const types = lines.slice(0, -1).map((line) => (line.event as { type: string }).type)
    expect(types[0]).toBe("created")
    expect(types).toContain("progress")
    expect(lines.slice(0, -1).map((line) => line.seq)).toEqual(types.map((_, index) => index + 1))
  })

  it("a built-in agent scans the whole repository when given no path, under the security policies", async () => {
    await writeFile(join(dir, "notes.ts"), "// TODO: scan me\nexport const answer = 42\n")
    const ran = await cli(["submit", "repo-scanner", "--wait", "--json"])
    expect(ran.code, ran.stderr).toBe(0)
    const last = jsonLines(ran.stdout).at(-1) as {
      task: { status: string; result: { todos: { items: Array<{ path: string }> } } }
    }
    expect(last.task.status).toBe("completed")
    expect(last.task.result.todos.items.map((todo) => todo.path)).toContain("notes.ts")
  })

  it("the server's database is hidden from the repository tools, even inside the repository", async () => {
    const ran = await cli(["submit", "repo-scanner", '{"path":"db"}', "--wait", "--json"])
    expect(ran.code, ran.stderr).toBe(0)
    const last = jsonLines(ran.stdout).at(-1) as { task: { status: string; result: { files: number } } }
    expect(last.task.status).toBe("completed")
    // db/ holds coderclaw.db and its -wal and -shm files: none of them is read or even listed.
    expect(last.task.result.files).toBe(0)
  })

  it("a failed task ends submit --wait and watch with exit 1", async () => {
    const ran = await cli(["submit", "fail", "--wait"])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(/✖ fail task \S+ failed/)
    const id = /fail task (\S+) failed/.exec(ran.stdout)?.[1] as string
    const watched = await cli(["watch", id])
    expect(watched.code).toBe(1)
    expect(watched.stdout).toContain("this agent always fails")
  })

  it("tasks lists and filters, show prints a record, watch replays a finished task", async () => {
    const id = await submitted(["echo", '"listed"'])
    await reach(id, "completed")
    const listed = await cli(["tasks", "--json", "--agent", "echo", "--status", "completed"])
    const page = json<{ items: Array<Record_ & { agentId: string }> }>(listed)
    expect(page.items.map((task) => task.id)).toContain(id)
    expect(page.items.every((task) => task.agentId === "echo" && task.status === "completed")).toBe(true)
    const limited = await cli(["tasks", "-n", "1"])
    expect(limited.stdout).toContain("ID")
    expect(limited.stdout).toContain("more tasks")

    const shown = await cli(["show", id])
    expect(shown.stdout).toContain(`task        ${id}`)
    expect(shown.stdout).toContain('"echoed": "listed"')
    const watched = await cli(["watch", id, "--json"])
    expect(watched.code).toBe(0)
    expect((jsonLines(watched.stdout).at(-1) as { task: Record_ }).task.status).toBe("completed")
  })

  it("submit --idempotency-key returns the same task to a retry and refuses the key for another request", async () => {
    const first = await submitted(["echo", '"once"', "--idempotency-key", "cli-retry-1"])
    const again = await submitted(["echo", '"once"', "--idempotency-key", "cli-retry-1"])
    expect(again).toBe(first)
    const changed = await cli(["submit", "echo", '"twice"', "--idempotency-key", "cli-retry-1"])
    expect(changed.code).not.toBe(0)
    expect(changed.stderr).toContain("idempotencyKey")
  })

  it("input answers a task waiting for input", async () => {
    const id = await submitted(["ask"])
    const waiting = await reach(id, "waiting")
    expect(waiting.waitingFor).toBe("input")
    const answered = await cli(["input", id, '{"value":42}'])
    expect(answered.code, answered.stderr).toBe(0)
    expect(answered.stdout).toContain(`Answered task ${id}`)
    const watched = await cli(["watch", id])
    expect(watched.code).toBe(0)
    expect(watched.stdout).toContain("asks for input: What is the answer?")
    expect(json<Record_>(await cli(["show", id, "--json"])).result).toEqual({ answer: { value: 42 } })

    const text = await submitted(["ask"])
    await reach(text, "waiting")
    expect((await cli(["input", text, "yes please", "--text"])).code).toBe(0)
    await reach(text, "completed")
    expect(json<Record_>(await cli(["show", text, "--json"])).result).toEqual({ answer: "yes please" })
    // Not waiting any more: refused, exit 1.
    const late = await cli(["input", text, "1"])
    expect(late.code).toBe(1)
  })

  it("approve lets a dangerous step run, from someone other than the owner; reject (and approve --deny) fail it", async () => {
    const id = await submitted(["guarded"])
    expect((await reach(id, "waiting")).waitingFor).toBe("approval")
    // Separation of duties: alice (even as an admin) cannot approve her own task's dangerous call.
    const own = await cli(["approve", id])
    expect(own.code).toBe(1)
    expect(own.stderr).toContain("separation-of-duties:self-approval")
    const added = await admin(["users", "add", "dave", "--role", "admin", "--password-stdin"], password)
    expect(added.code, added.stderr).toBe(0)
    const dave = await cli(["login", "-u", "dave", "--password-stdin"], homes.dave, password)
    expect(dave.code, dave.stderr).toBe(0)
    const approved = await cli(["approve", id, "--reason", "looked at it"], homes.dave)
    expect(approved.code, approved.stderr).toBe(0)
    await reach(id, "completed")
    expect(json<Record_>(await cli(["show", id, "--json"])).result).toEqual({ done: "ran" })

    const denied = await submitted(["guarded"])
    await reach(denied, "waiting")
    const rejected = await cli(["reject", denied, "--json"])
    expect(json(rejected)).toMatchObject({ id: denied, decision: "denied" })
    const watched = await cli(["watch", denied])
    expect(watched.code).toBe(1)
    expect(watched.stdout).toContain("denied")

    const third = await submitted(["guarded"])
    await reach(third, "waiting")
    expect((await cli(["approve", third, "--deny"])).code).toBe(0)
    expect((await cli(["watch", third])).code).toBe(1)
  })

  it("cancel stops a running task; cancelling it again fails", async () => {
    const id = await submitted(["idle"])
    await reach(id, "running")
    const cancelled = await cli(["cancel", id, "--reason", "enough"])
    expect(cancelled.code, cancelled.stderr).toBe(0)
    expect(cancelled.stdout).toContain("cancelled")
    const watched = await cli(["watch", id])
    expect(watched.code).toBe(1)
    expect(watched.stdout).toContain("was cancelled")
    const again = await cli(["cancel", id])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain("coderclaw:")
  })

  it("a developer cannot see another user's task", async () => {
    const id = await submitted(["echo"])
    const ran = await cli(["show", id], homes.bob)
    expect(ran.code).toBe(1)
  })
})

describe("workflows, agents, skills, status, audit", () => {
  it("workflow run <file> --wait runs the steps as child tasks", async () => {
    await writeFile(
      join(dir, "flow.yaml"),
      [
        "name: two steps",
        "steps:",
        "  - { id: first, agentId: echo, description: first step, input: 1 }",
        "  - { id: second, agentId: echo, description: second step, dependsOn: [first] }"
      ].join("\n")
    )
    const ran = await cli(["workflow", "run", "flow.yaml", "--wait"])
    expect(ran.code, ran.stderr + ran.stdout).toBe(0)
    expect(ran.stdout).toContain("Started workflow two steps")
    expect(ran.stdout).toContain("first ")
    expect(ran.stdout).toContain("second ")
    expect(ran.stdout).toMatch(/✔ workflow task \S+ completed/)
  })

  it("workflow run refuses a bad file, an unknown name and a pattern without a subject (exit 2)", async () => {
    await writeFile(
      join(dir, "cycle.yaml"),
      "name: c\nsteps:\n  - { id: a, agentId: echo, description: a, dependsOn: [a] }\n"
    )
    const cycle = await cli(["workflow", "run", "cycle.yaml"])
    expect(cycle.code).toBe(2)
    expect(cycle.stderr).toContain("depends on itself")
    await writeFile(join(dir, "bad.yaml"), "name: b\nsteps: []\n")
    expect((await cli(["workflow", "run", "bad.yaml"])).code).toBe(2)
    const missing = await cli(["workflow", "run", "nothing-here"])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("no pattern or file named nothing-here")
    const noSubject = await cli(["workflow", "run", "feature"])
    expect(noSubject.code).toBe(2)
    expect(noSubject.stderr).toContain("needs a subject")
    const listed = await cli(["workflow", "patterns", "--json"])
    expect(json<Array<{ name: string }>>(listed).map((pattern) => pattern.name)).toContain("security-audit")
  })

  it("agents, skills and status print tables, or JSON with --json", async () => {
    const agents = await cli(["agents", "--json"])
    expect(json<Array<{ id: string }>>(agents).map((agent) => agent.id)).toEqual(
      expect.arrayContaining(["echo", "ask", "guarded", "workflow"])
    )
    expect((await cli(["agents"])).stdout).toMatch(/^AGENT\s+RUNS ON\s+SKILLS\s+DESCRIPTION/)
    const skills = await cli(["skills", "--json"])
    expect(json<Array<{ id: string; dangerous: boolean }>>(skills)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: "test.dangerous", dangerous: true })])
    )
    const status = await cli(["status"])
    expect(status.code).toBe(0)
    // The state is measured now (`degraded` while the machine is busy); what must be there is the report.
    expect(status.stdout).toMatch(/health {4}(ok|degraded)/)
    expect(status.stdout).toContain("journal-writable")
    const figures = json<{ tasks: Record<string, number> }>(await cli(["status", "--json"]))
    expect(figures.tasks.completed).toBeGreaterThan(0)
    expect(figures.tasks.cancelled).toBeGreaterThan(0)
  })

  it("audit verify finds the chain intact; audit list reads it", async () => {
    const verified = await admin(["audit", "verify", "--json"])
    expect(verified.code, verified.stderr).toBe(0)
    expect(json<{ ok: boolean; entries: number }>(verified)).toMatchObject({ ok: true })
    expect((await admin(["audit", "verify"])).stdout).toContain("Audit log intact")
    const logins = await admin(["audit", "list", "--action", "device.approve", "--json"])
    expect(json<Array<{ actor: string }>>(logins)[0]).toMatchObject({ actor: "local:alice" })
  })
})

describe("errors", () => {
  it("bad arguments exit 2 with the command's usage", async () => {
    const unknown = await cli(["frobnicate"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'frobnicate'")
    const missing = await cli(["submit"])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("missing required argument 'agent'")
    expect(missing.stderr).toContain("Usage: coderclaw submit [options] <agent> [input]")
    const badJson = await cli(["submit", "echo", "{nope"])
    expect(badJson.code).toBe(2)
    expect(badJson.stderr).toContain("input is not valid JSON")
    expect((await cli(["tasks", "--limit", "zero"])).code).toBe(2)
    expect((await cli(["tasks", "--status", "sleeping"])).code).toBe(2)
    expect((await cli(["submit", "echo", "--meta", "novalue"])).code).toBe(2)
    expect((await cli(["--server", "http://example", "tasks"])).code).toBe(2)
    expect((await cli([])).code).toBe(2)
    const help = await cli(["submit", "--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("--wait")
  })

  it("an unknown agent or task fails with exit 1", async () => {
    const agent = await cli(["submit", "no-such-agent", "--json"])
    expect(agent.code).toBe(1)
    expect(json<{ error: { code: string } }>(agent).error.code).toBe("AGENT_NOT_FOUND")
    expect((await cli(["show", "01a20dd5-0000-7000-8000-000000000000"])).code).toBe(1)
  })

  it("an unreachable server exits 3 with a clear message", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    const ran = await cli(["--server", `ws://127.0.0.1:${closed}`, "status"])
    expect(ran.code).toBe(3)
    expect(ran.stderr).toContain(`cannot reach the server at ws://127.0.0.1:${closed}`)
    expect(ran.stderr).toContain("hint: is `coderclaw serve` running there?")
    const login = await cli(
      ["login", "-u", "alice", "--password-stdin", "-s", `ws://127.0.0.1:${closed}`],
      homes.nobody,
      password
    )
    expect(login.code).toBe(3)
  })

  it("without a saved session a client command exits 3", async () => {
    const ran = await cli(["tasks"], homes.nobody)
    expect(ran.code).toBe(3)
    expect(ran.stderr).toContain("not logged in")
    expect((await cli(["logout"], homes.nobody)).stdout).toContain("Not logged in.")
  })

  it("logout forgets the session", async () => {
    expect((await cli(["logout"], homes.bob)).stdout).toContain("Logged out.")
    expect((await cli(["tasks"], homes.bob)).code).toBe(3)
  })

  it("serve refuses an invalid runtime.yaml with exit 2", async () => {
    await writeFile(join(dir, "bad-runtime.yaml"), "port: 99999\ncolour: blue\n")
    const ran = await cli(["serve", "--config", "bad-runtime.yaml"])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain("port")
    expect(ran.stderr).toContain("colour")
  })
})
