import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { hostname, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { newTask } from "@coderclaw/journal-conformance"
import { UserStore } from "@coderclaw/security"
import { Effect } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { SqliteJournal, SqliteJournalRefused } from "../src/index.js"
import { SqliteSecurityStore } from "../src/security/index.js"
import { describeEachDriver } from "./support/drivers.js"
import { journalRefusal } from "./support/journalRefusal.js"

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..")
const fixture = join(packageRoot, "test", "fixtures", "holdJournal.mjs")

let root: string
let counter = 0
const children: Array<ChildProcess> = []
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-store-sqlite-owner-"))
})
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const freshFile = () => join(root, `db${++counter}`, "journal.db")

describeEachDriver("SQLite ownership", (driver) => {
  const refusal = (filename: string) => journalRefusal(filename, driver)

  /** Starts a process holding the journal and waits until it has it open. */
  const holdInChild = (filename: string): Promise<ChildProcess> => {
    if (!existsSync(join(packageRoot, "dist", "index.js"))) {
      throw new Error("the ownership tests run the built package: build @coderclaw/store-sqlite first")
    }
    const child = spawn(process.execPath, [fixture, filename, driver.name], { stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    return new Promise((resolve, reject) => {
      let stderr = ""
      const timer = setTimeout(
        () => reject(new Error(`the holder did not open the journal in time: ${stderr}`)),
        30_000
      )
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) {
          clearTimeout(timer)
          resolve(child)
        }
      })
      child.on("exit", (code) => {
        clearTimeout(timer)
        reject(new Error(`the holder exited (${code}): ${stderr}`))
      })
    })
  }

  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve()
      else child.once("exit", () => resolve())
    })

  describe("SqliteJournal single-writer ownership", () => {
    it("refuses a second journal on the same file in another process, naming the holder; after kill -9 it opens", async () => {
      const filename = freshFile()
      const child = await holdInChild(filename)

      const refused = await refusal(filename)
      expect(child.exitCode).toBeNull() // refused while the holder runs, not because it had gone
      expect(refused.reason).toBe("Locked")
      expect(refused.holder).toMatchObject({ pid: child.pid, host: hostname() })
      expect(refused.message).toContain(`process ${child.pid} on ${hostname()}`)

      child.kill("SIGKILL")
      await exited(child)
      // The OS dropped the dead holder's lock: no stale lock to clear by hand.
      const opened = await Effect.runPromise(
        Effect.scoped(
          Effect.flatMap(SqliteJournal.make({ filename, driver: driver.name }), (journal) =>
            journal.append(newTask().events)
          )
        )
      )
      expect(opened).toHaveLength(1)
    })

    it("refuses a second journal on the same file in the same process, and lets it open once the first closes", async () => {
      const filename = freshFile()
      const refused = await Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            yield* SqliteJournal.make({ filename, driver: driver.name })
            return yield* Effect.flip(Effect.scoped(SqliteJournal.make({ filename, driver: driver.name })))
          })
        )
      )
      expect(refused).toBeInstanceOf(SqliteJournalRefused)
      expect(refused).toMatchObject({ reason: "Locked", holder: { pid: process.pid, host: hostname() } })
      // Released with the first journal's scope.
      await Effect.runPromise(Effect.scoped(SqliteJournal.make({ filename, driver: driver.name })))
      expect(existsSync(`${filename}.owner`)).toBe(false)
    })

    it("takes the lock before touching the database: a refused opener migrates and recovers nothing", async () => {
      const filename = freshFile()
      const child = await holdInChild(filename)
      const { mtimeMs } = await import("node:fs").then((fs) => fs.statSync(filename))
      await refusal(filename)
      const after = await import("node:fs").then((fs) => fs.statSync(filename))
      expect(after.mtimeMs).toBe(mtimeMs)
      child.kill("SIGKILL")
      await exited(child)
    })

    it("lets the security stores use the file while a journal owns it (they are not journal writers)", async () => {
      const filename = freshFile()
      await holdInChild(filename)
      const users = await Effect.runPromise(
        Effect.gen(function* () {
          return yield* (yield* UserStore).list
        }).pipe(Effect.provide(SqliteSecurityStore.layer({ filename, driver: driver.name })))
      )
      expect(users).toEqual([])
    })
  })
})
