import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SqliteJournal } from "../src/index.js"
import { SqliteSecurityStore } from "../src/security/index.js"
import { describeEachDriver, driversUnderTest } from "./support/drivers.js"

let root: string
let counter = 0
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-sqlite-driver-"))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})
const freshFile = () => join(root, `db${++counter}`, "state.db")

const journalOpenError = async (options: Parameters<typeof SqliteJournal.make>[0]) => {
  const exit = await Effect.runPromiseExit(Effect.scoped(SqliteJournal.make(options)))
  if (Exit.isSuccess(exit)) throw new Error("expected the open to fail")
  return Option.getOrThrow(Exit.findErrorOption(exit))
}

describe("choosing a SQLite driver", () => {
  it("refuses an unknown driver by name, in the journal and in the security stores", async () => {
    const journal = await journalOpenError({ filename: freshFile(), driver: "sqlite3" as never })
    expect(journal).toMatchObject({ _tag: "JournalError", reason: "Unavailable" })
    expect(journal.message).toContain('driver must be one of better-sqlite3, node:sqlite, auto, got "sqlite3"')
    const exit = await Effect.runPromiseExit(
      Effect.scoped(SqliteSecurityStore.make({ filename: freshFile(), driver: "sqlite3" as never }))
    )
    expect(Option.getOrUndefined(Exit.findErrorOption(exit))).toMatchObject({
      _tag: "SqliteSecurityStoreError",
      reason: "Unavailable"
    })
  })

  it("auto opens on this Node, with a driver that loads here", async () => {
    const usable = driversUnderTest.filter((driver) => driver.skip === undefined)
    expect(usable.length).toBeGreaterThan(0)
    const filename = freshFile()
    const position = await Effect.runPromise(
      Effect.scoped(Effect.flatMap(SqliteJournal.make({ filename }), (j) => j.lastPosition))
    )
    expect(position).toBe(0)
  })

  for (const driver of driversUnderTest.filter((candidate) => candidate.skip !== undefined)) {
    it(`asked for ${driver.name}, which this Node cannot run, fails Unavailable saying why`, async () => {
      const error = await journalOpenError({ filename: freshFile(), driver: driver.name })
      expect(error).toMatchObject({ _tag: "JournalError", reason: "Unavailable" })
      expect(error.message).toContain(`driver "${driver.name}"`)
      expect(error.message).toContain(process.version)
    })
  }
})

describeEachDriver("the driver's connection", (driver) => {
  const rawFile = () => join(root, `raw${++counter}.db`)
  const open = () => driver.open(rawFile())
  const withTable = () => {
    const filename = rawFile()
    const db = driver.open(filename)
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    return { db, filename }
  }

  it("prepares, binds positional and named parameters, plucks and iterates", () => {
    const { db } = withTable()
    try {
      const insert = db.prepare<[{ id: number; name: string; extra: string }]>("INSERT INTO t VALUES (@id, @name)")
      // better-sqlite3 ignores keys that name no parameter: both drivers do.
      expect(insert.run({ id: 1, name: "a", extra: "ignored" }).changes).toBe(1)
      db.prepare<[number, string]>("INSERT INTO t VALUES (?, ?)").run(2, "b")
      expect(db.prepare<[number], { id: number; name: string }>("SELECT * FROM t WHERE id = ?").get(2)).toEqual({
        id: 2,
        name: "b"
      })
      expect(db.prepare<[], string>("SELECT name FROM t ORDER BY id").pluck().all()).toEqual(["a", "b"])
      expect([...db.prepare<[], number>("SELECT id FROM t ORDER BY id").pluck().iterate()]).toEqual([1, 2])
      expect(db.prepare<[number], number>("SELECT id FROM t WHERE id = ?").pluck().get(9)).toBeUndefined()
      expect(db.pragma("journal_mode", { simple: true })).toBe("delete")
    } finally {
      db.close()
    }
  })

  it("rolls back a throwing nested transaction to its savepoint only, and a throwing outer one entirely", () => {
    const { db } = withTable()
    try {
      const insert = db.prepare<[number, string]>("INSERT INTO t VALUES (?, ?)")
      const inner = db.transaction((id: number) => {
        insert.run(id, `n${id}`)
        throw new Error("refused")
      })
      const outer = db.transaction(() => {
        insert.run(1, "kept")
        expect(() => inner(2)).toThrow("refused")
        expect(db.inTransaction).toBe(true)
        return "done"
      })
      expect(outer.immediate()).toBe("done")
      expect(db.inTransaction).toBe(false)
      expect(() =>
        db.transaction(() => {
          insert.run(3, "gone")
          throw new Error("undo")
        })()
      ).toThrow("undo")
      expect(db.prepare<[], number>("SELECT id FROM t ORDER BY id").pluck().all()).toEqual([1])
    } finally {
      db.close()
    }
  })

  it("throws SQLite's result code name as code: a unique violation, another connection's lock", () => {
    const { db, filename } = withTable()
    const other = driver.open(filename, { timeout: 0 })
    try {
      db.prepare("INSERT INTO t VALUES (1, 'a')").run()
      expect(() => db.prepare("INSERT INTO t VALUES (2, 'a')").run()).toThrow(
        expect.objectContaining({ code: "SQLITE_CONSTRAINT_UNIQUE" })
      )
      db.exec("BEGIN IMMEDIATE")
      expect(() => other.exec("BEGIN IMMEDIATE")).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^SQLITE_BUSY/) })
      )
      db.exec("ROLLBACK")
    } finally {
      other.close()
      db.close()
    }
  })

  it("registers SQL functions, and refuses a missing file when asked to", () => {
    const db = open()
    try {
      db.function("twice", { deterministic: true, varargs: true }, (...values) =>
        values.map(String).join("|").repeat(2)
      )
      expect(db.prepare<[], string>("SELECT twice('a', 1)").pluck().get()).toBe("a|1a|1")
    } finally {
      db.close()
    }
    expect(() => driver.open(join(root, "missing.db"), { readonly: true, fileMustExist: true })).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^SQLITE_CANTOPEN/) })
    )
  })
})
