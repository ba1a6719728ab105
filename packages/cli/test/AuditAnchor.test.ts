import { createRequire } from "node:module"
import { join } from "node:path"
import { hashAuditEntry } from "@coderclaw/security"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { addUser, signIn } from "../src/index.js"
import { password, removeDir, runCli, startTestServer, tempDir } from "./support/harness.js"

// The test edits the database file the way an intruder would, with the SQLite the server used: store-sqlite's
// better-sqlite3 where its native binding loads on this Node, else Node's built-in node:sqlite (Node 24).
type Db = {
  prepare(sql: string): {
    all(...args: Array<unknown>): Array<Record<string, unknown>>
    run(...args: Array<unknown>): unknown
  }
  close(): void
}
type DbConstructor = new (file: string) => Db
const sqliteOfThisNode = (): DbConstructor => {
  try {
    const native = createRequire(createRequire(import.meta.url).resolve("@coderclaw/store-sqlite"))(
      "better-sqlite3"
    ) as DbConstructor
    new native(":memory:").close()
    return native
  } catch {
    return (process.getBuiltinModule("node:sqlite") as { DatabaseSync: DbConstructor }).DatabaseSync
  }
}
const openDb = sqliteOfThisNode()

let dir: string

beforeAll(async () => {
  dir = await tempDir("anchor")
})

afterAll(async () => {
  await removeDir(dir)
})

/** A server's database with some real audit entries (logins accepted and refused), the server stopped. */
const seededDatabase = async (name: string): Promise<string> => {
  const cwd = join(dir, name)
  const { mkdir } = await import("node:fs/promises")
  await mkdir(cwd)
  const server = await startTestServer(cwd)
  await addUser(server, { username: "alice", password, roles: ["developer"] })
  for (let i = 0; i < 3; i++) {
    const signed = await signIn({ url: server.url, credentials: { type: "password", username: "alice", password } })
    await signed.client.close()
    await signIn({
      url: server.url,
      credentials: { type: "password", username: "alice", password: "not it at all" }
    }).catch(() => undefined)
  }
  await server.close()
  return cwd
}

const admin = (cwd: string, argv: ReadonlyArray<string>) =>
  runCli([...argv, "--database", "db/coderclaw.db"], { home: join(cwd, "home"), cwd })

interface Row extends Record<string, unknown> {
  seq: number
  hash: string
}

const rowsOf = (db: Db): Array<Row> =>
  db.prepare("SELECT * FROM security_audit_entries ORDER BY seq").all() as Array<Row>

const entryOf = (row: Record<string, unknown>) => {
  const optional = (key: string, column: string, parse = false) =>
    row[column] === null ? {} : { [key]: parse ? JSON.parse(row[column] as string) : row[column] }
  return {
    seq: row.seq as number,
    id: row.id as string,
    at: row.at as number,
    actor: row.actor as string,
    ...optional("device", "device"),
    ...optional("session", "session"),
    action: row.action as string,
    ...optional("resource", "resource"),
    decision: row.decision as "allow",
    reasons: JSON.parse(row.reasons as string) as Array<string>,
    ...optional("requestId", "request_id"),
    ...optional("remoteAddress", "remote_address"),
    ...optional("details", "details", true),
    prevHash: row.prev_hash as string
  }
}

describe("audit anchors signed by the server", () => {
  it("catches the log's tail cut off with its head moved back, given a signed head from before", async () => {
    const cwd = await seededDatabase("truncated")
    const head = await admin(cwd, ["audit", "head", "--json"])
    expect(head.code, head.stderr).toBe(0)
    const anchor = JSON.parse(head.stdout) as { seq: number; hash: string; keyId: string; signature: string }
    expect(anchor).toMatchObject({ type: "coderclaw.audit-head", keyId: expect.stringMatching(/^srv_/) })
    expect((await admin(cwd, ["audit", "verify", "--anchor", head.stdout.trim()])).code).toBe(0)

    // The intruder deletes the anchored entry and everything after it, and moves the head back to match.
    const db = new openDb(join(cwd, "db", "coderclaw.db"))
    db.prepare("DELETE FROM security_audit_entries WHERE seq >= ?").run(anchor.seq)
    const last = rowsOf(db).at(-1) as Row
    db.prepare("UPDATE security_audit_head SET seq = ?, hash = ? WHERE id = 1").run(last.seq, last.hash)
    db.close()

    const verified = await admin(cwd, ["audit", "verify", "--json", "--anchor", head.stdout.trim()])
    expect(verified.code).toBe(1)
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: false, reason: "truncated" })
  }, 120_000)

  it("refuses an anchor that was altered", async () => {
    const cwd = await seededDatabase("altered")
    const head = JSON.parse((await admin(cwd, ["audit", "head", "--json"])).stdout) as { seq: number }
    const forged = JSON.stringify({ ...head, seq: head.seq - 1 })
    const verified = await admin(cwd, ["audit", "verify", "--anchor", forged])
    expect(verified.code).toBe(2)
    expect(verified.stderr).toContain("signature does not verify")
  }, 120_000)

  it("catches a chain re-hashed from the middle with plain verify, against a head the server signed", async () => {
    const cwd = await seededDatabase("rehashed")
    expect((await admin(cwd, ["audit", "head", "--json"])).code).toBe(0)
    expect((await admin(cwd, ["audit", "verify"])).code).toBe(0)

    // The intruder rewrites entry 2 and re-hashes every entry after it, head included: the chain is whole.
    const db = new openDb(join(cwd, "db", "coderclaw.db"))
    const rows = rowsOf(db)
    let prevHash = (rows[0] as Row).hash
    for (const row of rows.slice(1)) {
      const entry = { ...entryOf(row), prevHash, ...(row.seq === 2 ? { actor: "local:mallory" } : {}) }
      const hash = hashAuditEntry(entry)
      db.prepare("UPDATE security_audit_entries SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?").run(
        entry.actor,
        prevHash,
        hash,
        row.seq
      )
      prevHash = hash
    }
    db.prepare("UPDATE security_audit_head SET seq = ?, hash = ? WHERE id = 1").run((rows.at(-1) as Row).seq, prevHash)
    db.close()

    const verified = await admin(cwd, ["audit", "verify", "--json"])
    expect(verified.code).toBe(1)
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: false, reason: "signed_head_mismatch" })
  }, 120_000)
})
