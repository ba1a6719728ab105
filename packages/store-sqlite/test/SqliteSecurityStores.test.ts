import { existsSync, statSync, writeFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { newTask } from "@coderclaw/journal-conformance"
import { killTracked, spawnTracked } from "@coderclaw/process-harness"
import { Journal } from "@coderclaw/runtime"
import {
  AuditError,
  AuditStore,
  DeviceError,
  DeviceStore,
  emptyAuditHead,
  LocalUserError,
  SessionRejected,
  SessionStore,
  SigningKeyStore,
  UserStore,
  verifyAuditStore
} from "@coderclaw/security"
import {
  aDevice,
  aPairingRequest,
  aSession,
  aSigningKey,
  aUser,
  chainEntries,
  failureOf,
  itemAt
} from "@coderclaw/security-conformance"
import { Effect, Exit, Layer, Option } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { SqliteJournal } from "../src/index.js"
import type { SqliteConnection } from "../src/internal/driver/SqliteConnection.js"
import {
  SqliteSecurityStore,
  SqliteSecurityStoreError,
  type SqliteSecurityStoreOptions,
  type SqliteSecurityStores
} from "../src/security/index.js"
import { describeEachDriver } from "./support/drivers.js"

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..")

let root: string
let counter = 0
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-security-sqlite-"))
})
afterEach(async () => {
  // A failed or timed-out test must not leave its child processes running.
  await killTracked()
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A database file in a folder that does not exist yet: opening must create both. */
const freshFile = () => join(root, `db${++counter}`, "state.db")

describeEachDriver("SQLite security stores", (driver) => {
  /** Opens the stores on `options`, runs `use` on them, closes them. */
  const withStores = <A, E>(
    options: SqliteSecurityStoreOptions,
    use: (stores: SqliteSecurityStores) => Effect.Effect<A, E>
  ): Promise<A> =>
    Effect.runPromise(Effect.scoped(Effect.flatMap(SqliteSecurityStore.make({ driver: driver.name, ...options }), use)))

  /** Opens the stores expecting the open itself to fail, and returns its error. */
  const openFailure = async (options: SqliteSecurityStoreOptions): Promise<SqliteSecurityStoreError> => {
    const exit = await Effect.runPromiseExit(
      Effect.scoped(SqliteSecurityStore.make({ driver: driver.name, ...options }))
    )
    if (Exit.isSuccess(exit)) throw new Error(`expected ${options.filename} to be refused`)
    return Option.getOrThrowWith(Exit.findErrorOption(exit), () => new Error(`opening died: ${String(exit.cause)}`))
  }

  describe("SqliteSecurityStore", () => {
    describe("opening", () => {
      it("creates the file and its folder in WAL mode, owner-only, with its own versioned security_ tables", async () => {
        const filename = freshFile()
        await withStores({ filename }, () => Effect.void)
        const stored = driver.raw(filename, (db) => ({
          mode: db.pragma("journal_mode", { simple: true }),
          versions: db.prepare("SELECT version FROM security_schema_migrations ORDER BY version").pluck().all(),
          tables: db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()
        }))
        expect(stored.mode).toBe("wal")
        expect(stored.versions).toEqual([SqliteSecurityStore.schemaVersion])
        expect(stored.tables).toEqual([
          "security_audit_entries",
          "security_audit_head",
          "security_devices",
          "security_pairing_requests",
          "security_schema_migrations",
          "security_session_revision",
          "security_sessions",
          "security_signing_keys",
          "security_users"
        ])
        // It holds password hashes and private signing keys.
        if (process.platform !== "win32") expect(statSync(filename).mode & 0o777).toBe(0o600)
      })

      it("finds everything again after a reopen, and re-opening migrates nothing twice", async () => {
        const filename = freshFile()
        const alice = aUser("alice", { displayName: "Alice" })
        const session = aSession("s-1", "local:alice", { deviceId: "dev_1", scopes: ["task:read"] })
        const key = aSigningKey("kid-1")
        const device = aDevice("dev_1", "local:alice")
        const request = aPairingRequest("r-1", "dev_2")
        const entries = chainEntries([{ resource: "task/t-1", details: { n: 1 } }, {}, { session: "s-1" }])
        await withStores({ filename }, (stores) =>
          Effect.gen(function* () {
            yield* stores.users.insert(alice)
            yield* stores.sessions.insert(session)
            yield* stores.signingKeys.save(key)
            yield* stores.devices.putDevice(device)
            yield* stores.devices.insertPairingRequest(request)
            for (const entry of entries) yield* stores.audit.append(entry)
          })
        )
        for (let reopen = 0; reopen < 2; reopen++) {
          const found = await withStores({ filename }, (stores) =>
            Effect.gen(function* () {
              return {
                users: yield* stores.users.list,
                sessions: yield* stores.sessions.listFor("local:alice"),
                keys: yield* stores.signingKeys.load,
                device: yield* stores.devices.getDevice("dev_1"),
                requests: yield* stores.devices.listPairingRequests({}),
                entries: yield* stores.audit.readRange(1, 10),
                head: yield* stores.audit.head(),
                verdict: yield* verifyAuditStore(stores.audit)
              }
            })
          )
          expect(found).toEqual({
            users: [alice],
            sessions: [session],
            keys: [key],
            device: Option.some(device),
            requests: [request],
            entries,
            head: { seq: 3, hash: entries[2]?.hash },
            verdict: { ok: true, entries: 3, head: { seq: 3, hash: entries[2]?.hash } }
          })
        }
        const versions = driver.raw(filename, (db) =>
          db.prepare("SELECT version FROM security_schema_migrations").pluck().all()
        )
        expect(versions).toEqual([SqliteSecurityStore.schemaVersion])
      })

      it("refuses a file whose security schema is newer than it knows, changing nothing", async () => {
        const filename = freshFile()
        await withStores({ filename }, (stores) => stores.users.insert(aUser("alice")))
        const newer = SqliteSecurityStore.schemaVersion + 1
        driver.raw(filename, (db) =>
          db.prepare("INSERT INTO security_schema_migrations (version, applied_at) VALUES (?, 0)").run(newer)
        )
        const error = await openFailure({ filename })
        expect(error).toBeInstanceOf(SqliteSecurityStoreError)
        expect(error.reason).toBe("Unavailable")
        expect(error.message).toContain(`schema version ${newer}, newer than the ${SqliteSecurityStore.schemaVersion}`)
        expect(driver.raw(filename, (db) => db.prepare("SELECT count(*) FROM security_users").pluck().get())).toBe(1)
      })

      it("refuses invalid options with unavailable, naming them", async () => {
        const filename = freshFile()
        const cases: ReadonlyArray<[SqliteSecurityStoreOptions, string]> = [
          [{ filename: "" }, "filename is empty"],
          [{ filename, synchronous: "off" as "full" }, "synchronous"],
          [{ filename, busyTimeoutMs: -1 }, "busyTimeoutMs"],
          [{ filename, busyTimeoutMs: 1.5 }, "busyTimeoutMs"]
        ]
        for (const [options, named] of cases) {
          const error = await openFailure(options)
          expect(error.reason).toBe("Unavailable")
          expect(error.detail).toContain(named)
        }
        expect(existsSync(filename)).toBe(false)
      })

      it("reports a file that is not a database as corrupt", async () => {
        const filename = freshFile()
        await withStores({ filename }, () => Effect.void)
        for (const suffix of ["-wal", "-shm"]) if (existsSync(filename + suffix)) await rm(filename + suffix)
        writeFileSync(filename, Buffer.alloc(8192, 0x5a))
        const error = await openFailure({ filename })
        expect(error.reason).toBe("Corrupt")
        expect(error.detail).toContain("SQLITE_NOTADB")
      })
    })

    describe("sharing the journal's file", () => {
      it("runs beside SqliteJournal on the same file, opened together or one after the other, in either order", async () => {
        const filename = freshFile()
        const task = newTask()
        const both = Layer.mergeAll(
          SqliteJournal.layer({ driver: driver.name, filename }),
          SqliteSecurityStore.layer({ driver: driver.name, filename, busyTimeoutMs: 5_000 })
        )
        const write = Effect.gen(function* () {
          const journal = yield* Journal
          const users = yield* UserStore
          const audit = yield* AuditStore
          yield* journal.append(task.events)
          yield* users.insert(aUser("alice"))
          yield* Effect.forEach(chainEntries([{ resource: `task/${task.id}` }]), (entry) => audit.append(entry))
        })
        await Effect.runPromise(write.pipe(Effect.provide(both)))

        const read = Effect.gen(function* () {
          const journal = yield* Journal
          const users = yield* UserStore
          const audit = yield* AuditStore
          return {
            events: (yield* journal.readTask(task.id, 0)).length,
            users: (yield* users.list).map((user) => user.username),
            head: (yield* audit.head()).seq
          }
        })
        const expected = { events: task.events.length, users: ["alice"], head: 1 }
        // Security first, then the journal (which verifies the whole file at open), and the other way round.
        const securityFirst = SqliteJournal.layer({ driver: driver.name, filename }).pipe(
          Layer.provideMerge(SqliteSecurityStore.layer({ driver: driver.name, filename }))
        )
        const journalFirst = SqliteSecurityStore.layer({ driver: driver.name, filename }).pipe(
          Layer.provideMerge(SqliteJournal.layer({ driver: driver.name, filename }))
        )
        expect(await Effect.runPromise(read.pipe(Effect.provide(securityFirst)))).toEqual(expected)
        expect(await Effect.runPromise(read.pipe(Effect.provide(journalFirst)))).toEqual(expected)

        const stored = driver.raw(filename, (db) => ({
          journal: db.prepare("SELECT count(*) FROM schema_migrations").pluck().get(),
          security: db.prepare("SELECT count(*) FROM security_schema_migrations").pluck().get()
        }))
        expect(stored).toEqual({ journal: SqliteJournal.schemaVersion, security: 1 })
      })

      it("provides every security store service through one layer", async () => {
        const filename = freshFile()
        const services = await Effect.runPromise(
          Effect.gen(function* () {
            return [
              yield* UserStore,
              yield* SessionStore,
              yield* SigningKeyStore,
              yield* DeviceStore,
              yield* AuditStore
            ]
          }).pipe(Effect.provide(SqliteSecurityStore.layer({ driver: driver.name, filename })))
        )
        expect(services.every((service) => typeof service === "object")).toBe(true)
        const layerError = await Effect.runPromiseExit(
          Effect.provide(Effect.void, SqliteSecurityStore.layer({ driver: driver.name, filename: "" }))
        )
        expect(Option.getOrUndefined(Exit.findErrorOption(layerError))).toBeInstanceOf(SqliteSecurityStoreError)
      })
    })

    describe("several connections on one file", () => {
      it("a pairing request decided by two connections at once has exactly one winner", async () => {
        const filename = freshFile()
        await withStores({ filename }, (stores) => stores.devices.insertPairingRequest(aPairingRequest("r-1", "dev_1")))
        const outcomes = await Effect.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              const a = yield* SqliteSecurityStore.make({ driver: driver.name, filename })
              const b = yield* SqliteSecurityStore.make({ driver: driver.name, filename })
              const decide = (stores: SqliteSecurityStores, by: string) =>
                stores.devices.decidePairingRequest({
                  requestId: "r-1",
                  status: "approved",
                  decidedAt: 2_000,
                  decidedBy: by,
                  device: aDevice("dev_1", "local:alice", { approvedBy: by })
                })
              const decided = yield* Effect.all([decide(a, "local:op-a"), decide(b, "local:op-b")], {
                concurrency: "unbounded"
              })
              return { decided, device: yield* b.devices.getDevice("dev_1") }
            })
          )
        )
        expect(outcomes.decided).toEqual(["decided", "not_pending"])
        expect(Option.getOrThrow(outcomes.device).approvedBy).toBe("local:op-a")
      })

      it("a pairing request decided by four processes at once has exactly one winner, whose decision is stored", {
        timeout: 30_000
      }, async () => {
        const fixture = join(packageRoot, "test", "fixtures", "decidePairingRequest.mjs")
        if (!existsSync(join(packageRoot, "dist", "index.js"))) {
          throw new Error("the race test runs the built package: build @coderclaw/store-sqlite first")
        }
        const filename = freshFile()
        await withStores({ filename }, (stores) =>
          stores.devices.insertPairingRequest(aPairingRequest("r-1", "dev_raced"))
        )
        const go = Date.now() + 2_500
        const operators = ["op-1", "op-2", "op-3", "op-4"].map((name, index) => ({
          operator: `local:${name}`,
          verdict: index % 2 === 0 ? "approve" : "reject"
        }))
        const outcomes = await Promise.all(
          operators.map(
            ({ operator, verdict }) =>
              new Promise<string>((resolve, reject) => {
                const child = spawnTracked(
                  process.execPath,
                  [fixture, filename, "r-1", operator, verdict, String(go), driver.name],
                  {
                    stdio: ["ignore", "pipe", "pipe"]
                  }
                )
                let stdout = ""
                let stderr = ""
                child.stdout?.on("data", (chunk: Buffer) => {
                  stdout += chunk.toString()
                })
                child.stderr?.on("data", (chunk: Buffer) => {
                  stderr += chunk.toString()
                })
                child.on("error", reject)
                child.on("exit", (code) =>
                  code === 0 ? resolve(stdout.trim()) : reject(new Error(`${operator} exited ${code}: ${stderr}`))
                )
              })
          )
        )
        expect(outcomes.filter((outcome) => outcome === "decided")).toHaveLength(1)
        expect(outcomes.filter((outcome) => outcome === "not_pending")).toHaveLength(3)
        const winner = operators[outcomes.indexOf("decided")]
        const stored = await withStores({ filename }, (stores) =>
          Effect.all([stores.devices.getPairingRequest("r-1"), stores.devices.listDevices({})])
        )
        const [request, devices] = stored
        expect(Option.getOrThrow(request)).toMatchObject({
          status: winner?.verdict === "approve" ? "approved" : "rejected",
          decidedBy: winner?.operator
        })
        expect(devices.map((device) => device.approvedBy)).toEqual(
          winner?.verdict === "approve" ? [winner.operator] : []
        )
      })

      it("two writers of one audit log cannot fork it: the stale one gets conflict", async () => {
        const filename = freshFile()
        const chain = chainEntries([{ actor: "local:a" }, { actor: "local:a" }])
        const first = itemAt(chain, 0)
        const second = itemAt(chain, 1)
        const rival = itemAt(chainEntries([{ actor: "local:b" }]), 0)
        const outcome = await Effect.runPromise(
          Effect.scoped(
            Effect.gen(function* () {
              const a = yield* SqliteSecurityStore.make({ driver: driver.name, filename })
              const b = yield* SqliteSecurityStore.make({ driver: driver.name, filename })
              yield* a.audit.append(first)
              // b built its entry on the empty head it read before a appended.
              const conflict = yield* failureOf(b.audit.append(rival))
              yield* a.audit.append(second)
              return { conflict, head: yield* b.audit.head(), verdict: yield* verifyAuditStore(b.audit) }
            })
          )
        )
        expect(outcome.conflict).toMatchObject({ reason: "Conflict", seq: 1 })
        expect(outcome.head).toEqual({ seq: 2, hash: second.hash })
        expect(outcome.verdict).toMatchObject({ ok: true, entries: 2 })
      })

      it("fails with the port's unavailable error, never throws, while another connection holds the write lock", async () => {
        const filename = freshFile()
        const errors = await withStores({ filename, busyTimeoutMs: 50 }, (stores) =>
          Effect.gen(function* () {
            const blocker = driver.open(filename)
            blocker.exec("BEGIN IMMEDIATE")
            const errors = [
              yield* failureOf(stores.users.insert(aUser("alice"))),
              yield* failureOf(stores.sessions.insert(aSession("s-1", "local:alice"))),
              yield* failureOf(stores.signingKeys.save(aSigningKey("kid-1"))),
              yield* failureOf(stores.devices.putDevice(aDevice("dev_1", "local:alice"))),
              yield* failureOf(stores.audit.append(itemAt(chainEntries([{}]), 0)))
            ]
            blocker.exec("ROLLBACK")
            blocker.close()
            // The lock is gone: the same writes now succeed.
            yield* stores.users.insert(aUser("alice"))
            return errors
          })
        )
        expect(errors.map((error) => [error._tag, error.reason])).toEqual([
          ["LocalUserError", "Unavailable"],
          ["SessionRejected", "Unavailable"],
          ["SessionRejected", "Unavailable"],
          ["DeviceError", "Unavailable"],
          ["AuditError", "Unavailable"]
        ])
        for (const error of errors) expect(error.message).toContain("SQLITE_BUSY")
      })

      it("fails with the port's error, never throws, once its scope has closed", async () => {
        let closed: SqliteSecurityStores | undefined
        await withStores({ filename: freshFile() }, (stores) =>
          Effect.sync(() => {
            closed = stores
          })
        )
        const stores = closed as SqliteSecurityStores
        const exits: ReadonlyArray<Exit.Exit<unknown, { readonly reason: string }>> = await Promise.all([
          Effect.runPromiseExit(stores.users.list),
          Effect.runPromiseExit(stores.sessions.find("s-1")),
          Effect.runPromiseExit(stores.signingKeys.load),
          Effect.runPromiseExit(stores.devices.listDevices({})),
          Effect.runPromiseExit(stores.audit.head())
        ])
        for (const exit of exits) {
          expect(Option.getOrUndefined(Exit.findErrorOption(exit))).toMatchObject({ reason: "Unavailable" })
        }
      })
    })

    describe("damaged rows are reported with the port's typed error", () => {
      /** Stores one of everything, lets `damage` edit the file with raw SQL, then runs `read` on it. */
      const afterDamage = async <A, E>(
        damage: (db: SqliteConnection) => void,
        read: (stores: SqliteSecurityStores) => Effect.Effect<A, E>
      ): Promise<E> => {
        const filename = freshFile()
        await withStores({ filename }, (stores) =>
          Effect.gen(function* () {
            yield* stores.users.insert(aUser("alice"))
            yield* stores.users.insert(aUser("bob"))
            yield* stores.sessions.insert(aSession("s-1", "local:alice"))
            yield* stores.signingKeys.save(aSigningKey("kid-1"))
            yield* stores.devices.putDevice(aDevice("dev_1", "local:alice"))
            yield* stores.devices.insertPairingRequest(aPairingRequest("r-1", "dev_2"))
            for (const entry of chainEntries([{}, {}, {}])) yield* stores.audit.append(entry)
          })
        )
        driver.raw(filename, damage)
        return withStores({ filename }, (stores) => failureOf(read(stores)))
      }

      it("an account whose roles are not JSON: unavailable, from find and list", async () => {
        const damage = (db: SqliteConnection) =>
          db.exec("UPDATE security_users SET roles = '[\"admin\"' WHERE username = 'bob'")
        const fromFind = await afterDamage(damage, (stores) => stores.users.find("bob"))
        const fromList = await afterDamage(damage, (stores) => stores.users.list)
        for (const error of [fromFind, fromList]) {
          expect(error).toBeInstanceOf(LocalUserError)
          expect(error).toMatchObject({ reason: "Unavailable", username: "bob" })
          expect(error.detail).toContain("roles")
        }
      })

      it("an account whose hash is malformed: unavailable, the hash never in the error", async () => {
        const error = await afterDamage(
          (db) => db.exec("UPDATE security_users SET password_hash = 'plaintext-secret' WHERE username = 'alice'"),
          (stores) => stores.users.find("alice")
        )
        expect(error).toMatchObject({ reason: "Unavailable", username: "alice" })
        expect(error.detail).toContain("passwordHash")
        expect(error.message).not.toContain("plaintext-secret")
      })

      it("an account marked disabled with something else than 0/1: unavailable, and an update of it writes nothing", async () => {
        const filename = freshFile()
        await withStores({ filename }, (stores) => stores.users.insert(aUser("alice")))
        driver.raw(filename, (db) => db.exec("UPDATE security_users SET disabled = 7"))
        const error = await withStores({ filename }, (stores) =>
          failureOf(stores.users.update("alice", { roles: ["admin"], updatedAt: 9_000 }))
        )
        expect(error).toMatchObject({ reason: "Unavailable", username: "alice" })
        expect(driver.raw(filename, (db) => db.prepare("SELECT roles FROM security_users").pluck().get())).toBe(
          '["developer"]'
        )
      })

      it("a session with garbage scopes: unavailable, from find, listFor and revoke", async () => {
        const damage = (db: SqliteConnection) => db.exec("UPDATE security_sessions SET scopes = 'not json'")
        const errors = [
          await afterDamage(damage, (stores) => stores.sessions.find("s-1")),
          await afterDamage(damage, (stores) => stores.sessions.listFor("local:alice")),
          await afterDamage(damage, (stores) => stores.sessions.revoke("s-1", 5_000))
        ]
        for (const error of errors) {
          expect(error).toBeInstanceOf(SessionRejected)
          expect(error).toMatchObject({ reason: "Unavailable", sessionId: "s-1" })
        }
      })

      it("a session with an unknown trust level: unavailable", async () => {
        const error = await afterDamage(
          (db) => db.exec("UPDATE security_sessions SET trust = 'root'"),
          (stores) => stores.sessions.find("s-1")
        )
        expect(error).toMatchObject({ reason: "Unavailable", sessionId: "s-1" })
        expect(error.detail).toContain("trust")
      })

      it("a signing key with a malformed private JWK: unavailable, the key material never in the error", async () => {
        const error = await afterDamage(
          (db) =>
            db.exec(
              `UPDATE security_signing_keys SET private_jwk = '{"kty":"OKP","crv":"Ed25519","x":"short","d":"s3cr3t"}'`
            ),
          (stores) => stores.signingKeys.load
        )
        expect(error).toBeInstanceOf(SessionRejected)
        expect(error.reason).toBe("Unavailable")
        expect(error.detail).toContain("privateJwk")
        expect(error.message).not.toContain("s3cr3t")
      })

      it("a device with an unknown status: corrupt, from getDevice and listDevices", async () => {
        const damage = (db: SqliteConnection) => db.exec("UPDATE security_devices SET status = 'blessed'")
        const errors = [
          await afterDamage(damage, (stores) => stores.devices.getDevice("dev_1")),
          await afterDamage(damage, (stores) => stores.devices.listDevices({ principalId: "local:alice" }))
        ]
        for (const error of errors) {
          expect(error).toBeInstanceOf(DeviceError)
          expect(error.reason).toBe("Corrupt")
          expect(error.detail).toContain("dev_1")
        }
      })

      it("a damaged pairing request: corrupt, and deciding it writes nothing", async () => {
        const filename = freshFile()
        await withStores({ filename }, (stores) => stores.devices.insertPairingRequest(aPairingRequest("r-1", "dev_1")))
        driver.raw(filename, (db) => db.exec("UPDATE security_pairing_requests SET requested_at = -5"))
        const errors = await withStores({ filename }, (stores) =>
          Effect.all([
            failureOf(stores.devices.getPairingRequest("r-1")),
            failureOf(stores.devices.listPairingRequests({ status: "pending" })),
            failureOf(
              stores.devices.decidePairingRequest({
                requestId: "r-1",
                status: "approved",
                decidedAt: 2_000,
                decidedBy: "local:op",
                device: aDevice("dev_1", "local:alice")
              })
            )
          ])
        )
        for (const error of errors) expect(error).toMatchObject({ reason: "Corrupt" })
        const left = driver.raw(filename, (db) => ({
          devices: db.prepare("SELECT count(*) FROM security_devices").pluck().get(),
          status: db.prepare("SELECT status FROM security_pairing_requests").pluck().get()
        }))
        expect(left).toEqual({ devices: 0, status: "pending" })
      })

      it("an audit entry whose details became JSON null is corrupt, not an entry without details", async () => {
        const error = await afterDamage(
          (db) => db.exec("UPDATE security_audit_entries SET details = 'null' WHERE seq = 3"),
          (stores) => stores.audit.readRange(3, 1)
        )
        expect(error).toMatchObject({ reason: "Corrupt", seq: 3 })
        expect(error.detail).toContain("details")
      })

      it("an audit entry with garbage details: corrupt, naming its seq, from readRange and query", async () => {
        const damage = (db: SqliteConnection) =>
          db.exec("UPDATE security_audit_entries SET details = '{oops' WHERE seq = 2")
        const errors = [
          await afterDamage(damage, (stores) => stores.audit.readRange(1, 10)),
          await afterDamage(damage, (stores) => stores.audit.query({}))
        ]
        for (const error of errors) {
          expect(error).toBeInstanceOf(AuditError)
          expect(error).toMatchObject({ reason: "Corrupt", seq: 2 })
        }
      })

      it("a missing or malformed audit head: corrupt, and nothing can be appended", async () => {
        const next = itemAt(chainEntries([{}, {}, {}, {}]), 3)
        const missing = await afterDamage(
          (db) => db.exec("DELETE FROM security_audit_head"),
          (stores) => stores.audit.head()
        )
        const malformed = await afterDamage(
          (db) => db.exec("UPDATE security_audit_head SET hash = 'not-a-hash'"),
          (stores) => stores.audit.append(next)
        )
        expect(missing).toMatchObject({ reason: "Corrupt" })
        expect(malformed).toMatchObject({ reason: "Corrupt" })
      })

      it("a head moved back behind stored entries: the next append is corrupt, not a silent overwrite", async () => {
        const entries = chainEntries([{}, {}, {}])
        const error = await afterDamage(
          (db) => db.prepare("UPDATE security_audit_head SET seq = 1, hash = ?").run(itemAt(entries, 0).hash),
          (stores) => stores.audit.append(itemAt(entries, 1))
        )
        expect(error).toMatchObject({ reason: "Corrupt", seq: 2 })
      })

      it("entries cut off the end leave the head ahead of them: verification reports the truncation", async () => {
        const filename = freshFile()
        await withStores({ filename }, (stores) =>
          Effect.forEach(chainEntries([{}, {}, {}, {}]), (entry) => stores.audit.append(entry))
        )
        driver.raw(filename, (db) => db.exec("DELETE FROM security_audit_entries WHERE seq >= 3"))
        const verdict = await withStores({ filename }, (stores) => verifyAuditStore(stores.audit))
        expect(verdict).toMatchObject({ ok: false, brokenAt: 3, reason: "truncated" })
      })
    })

    describe("refuses to store what it could not read back", () => {
      it("every store refuses an invalid value with its port's error and stores nothing", async () => {
        const filename = freshFile()
        const entry = itemAt(chainEntries([{}]), 0)
        const outcome = await withStores({ filename }, (stores) =>
          Effect.gen(function* () {
            const errors = [
              yield* failureOf(stores.users.insert(aUser("Not A Name"))),
              yield* failureOf(stores.sessions.insert(aSession("s-1", "local:alice", { roles: Array(33).fill("r") }))),
              yield* failureOf(stores.signingKeys.save(aSigningKey("kid with spaces"))),
              yield* failureOf(stores.devices.putDevice(aDevice("dev_1", "local:alice", { pairedAt: -1 }))),
              yield* failureOf(
                stores.devices.insertPairingRequest(aPairingRequest("r-1", "dev_1", { expiresAt: 1.5 }))
              ),
              yield* failureOf(stores.audit.append({ ...entry, hash: "F".repeat(64) }))
            ]
            yield* stores.users.insert(aUser("alice"))
            const update = yield* failureOf(stores.users.update("alice", { roles: [""], updatedAt: 2_000 }))
            return { errors, update, head: yield* stores.audit.head() }
          })
        )
        expect(outcome.errors.map((error) => [error._tag, error.reason])).toEqual([
          ["LocalUserError", "Unavailable"],
          ["SessionRejected", "Unavailable"],
          ["SessionRejected", "Unavailable"],
          ["DeviceError", "Corrupt"],
          ["DeviceError", "Corrupt"],
          ["AuditError", "InvalidEntry"]
        ])
        expect(outcome.update).toMatchObject({ reason: "Unavailable", username: "alice" })
        expect(outcome.head).toEqual(emptyAuditHead)
        const counts = driver.raw(filename, (db) =>
          [
            "security_sessions",
            "security_signing_keys",
            "security_devices",
            "security_pairing_requests",
            "security_audit_entries"
          ].map((table) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get())
        )
        expect(counts).toEqual([0, 0, 0, 0, 0])
        expect(driver.raw(filename, (db) => db.prepare("SELECT roles FROM security_users").pluck().get())).toBe(
          '["developer"]'
        )
      })
    })
  })
})
