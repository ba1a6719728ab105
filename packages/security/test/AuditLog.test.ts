import { createHash } from "node:crypto"
import canonicalizeModule from "canonicalize"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import {
  type AuditCaller,
  type AuditEntry,
  type AuditFilter,
  type AuditInput,
  AuditLog,
  AuditStore,
  type AuditStoreShape,
  genesisHash,
  type InMemoryAuditRows,
  InMemoryAuditStore,
  makeAuditLog,
  makeInMemoryAuditRows,
  makeInMemoryAuditStore
} from "../src/audit/index.js"

const T0 = 1_750_000_000_000
const auditor: AuditCaller = { principalId: "local:auditor", permissions: new Set(["audit:read"]) }

// The package is CommonJS; see hashAuditEntry.ts for why both shapes are accepted.
const canonicalize = (
  typeof canonicalizeModule === "function"
    ? canonicalizeModule
    : (canonicalizeModule as unknown as { default: (input: unknown) => string | undefined }).default
) as (input: unknown) => string | undefined

/** The hash an entry must carry, computed here independently of the library's own helper. */
const expectedHash = (entry: AuditEntry): string => {
  const { hash: _ignored, ...rest } = entry
  return createHash("sha256")
    .update(canonicalize(rest) ?? "")
    .digest("hex")
}

/** Runs `program` with an audit log over `rows` (fresh when omitted), the test clock set to T0. */
const run = <A, E>(program: Effect.Effect<A, E, AuditLog | AuditStore>, rows = makeInMemoryAuditRows()) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(
      Effect.provide(
        AuditLog.layer.pipe(
          Layer.provideMerge(InMemoryAuditStore.layerOver(rows)),
          Layer.provideMerge(TestClock.layer())
        )
      )
    )
  )

/** A store over `rows` whose every call first yields to other fibers, like a store doing real I/O. */
const slowStore = (rows: InMemoryAuditRows): AuditStoreShape => {
  const base = makeInMemoryAuditStore(rows)
  return {
    append: (entry) => Effect.andThen(Effect.yieldNow, base.append(entry)),
    readRange: (fromSeq, limit) => Effect.andThen(Effect.yieldNow, base.readRange(fromSeq, limit)),
    head: () => Effect.andThen(Effect.yieldNow, base.head()),
    query: (filter) => Effect.andThen(Effect.yieldNow, base.query(filter))
  }
}

const record = (input: AuditInput) => Effect.flatMap(Effect.service(AuditLog), (log) => log.record(input))
const query = (caller: AuditCaller, filter: AuditFilter) =>
  Effect.flatMap(Effect.service(AuditLog), (log) => log.query(caller, filter))

describe("AuditLog.record", () => {
  it("stamps entries with contiguous seqs, the clock's time and a hash chained from the genesis hash", async () => {
    const rows = makeInMemoryAuditRows()
    const entries = await run(
      Effect.gen(function* () {
        const first = yield* record({
          actor: "local:alice",
          action: "auth.login",
          decision: "success",
          session: "s-1",
          device: "dev-1",
          requestId: "req-1",
          remoteAddress: "127.0.0.1",
          details: { provider: "local", attempt: 1 }
        })
        yield* TestClock.adjust(250)
        const second = yield* record({
          actor: "local:alice",
          action: "authz.decide",
          resource: "task/abc",
          decision: "deny",
          reasons: ["default-deny"]
        })
        const third = yield* record({ action: "auth.login", decision: "failure", reasons: ["invalid_credentials"] })
        return [first, second, third]
      }),
      rows
    )
    const [first, second, third] = entries as [AuditEntry, AuditEntry, AuditEntry]
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3])
    expect(first.at).toBe(T0)
    expect(second.at).toBe(T0 + 250)
    expect(first.prevHash).toBe(genesisHash)
    expect(genesisHash).toBe("0".repeat(64))
    expect(second.prevHash).toBe(first.hash)
    expect(third.prevHash).toBe(second.hash)
    for (const entry of entries) expect(entry.hash).toBe(expectedHash(entry))
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(3)
    expect(first).toMatchObject({
      actor: "local:alice",
      session: "s-1",
      device: "dev-1",
      requestId: "req-1",
      remoteAddress: "127.0.0.1",
      reasons: [],
      details: { provider: "local", attempt: 1 }
    })
    // Absent optional fields stay absent (not undefined keys), so stores round-trip them exactly.
    expect(Object.keys(second)).not.toContain("device")
    expect(third.actor).toBe("anonymous")
    // What was returned is what was stored, and the head follows the last entry.
    expect(rows.entries).toEqual(entries)
    expect(rows.head).toEqual({ seq: 3, hash: third.hash })
  })

  it("refuses a malformed action or decision with invalid_entry and writes nothing", async () => {
    const rows = makeInMemoryAuditRows()
    const reasons = await run(
      Effect.gen(function* () {
        yield* record({ action: "task.submit", decision: "success" })
        const bad: Array<AuditInput> = [
          { action: "", decision: "info" },
          { action: "task submit", decision: "info" },
          { action: ".leading.dot", decision: "info" },
          { action: `a.${"x".repeat(200)}`, decision: "info" },
          { action: "task.submit", decision: "maybe" as never }
        ]
        const out: Array<string> = []
        for (const input of bad) out.push((yield* Effect.flip(record(input))).reason)
        return out
      }),
      rows
    )
    expect(reasons).toEqual(["InvalidEntry", "InvalidEntry", "InvalidEntry", "InvalidEntry", "InvalidEntry"])
    expect(rows.entries).toHaveLength(1)
    expect(rows.head.seq).toBe(1)
  })

  it("appends 1,000 entries that verify intact, read page by page", async () => {
    const rows = makeInMemoryAuditRows()
    const reads: Array<readonly [number, number]> = []
    const base = makeInMemoryAuditStore(rows)
    const counting = Layer.succeed(AuditStore, {
      ...base,
      readRange: (fromSeq, limit) => {
        reads.push([fromSeq, limit])
        return base.readRange(fromSeq, limit)
      }
    })
    const { last, verification } = await Effect.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(T0)
        const log = yield* AuditLog
        let last: AuditEntry | undefined
        for (let index = 0; index < 1_000; index++) {
          yield* TestClock.adjust(1)
          last = yield* log.record({
            actor: `local:user-${index % 7}`,
            action: index % 3 === 0 ? "task.submit" : "authz.decide",
            resource: `task/${index}`,
            decision: index % 5 === 0 ? "deny" : "allow",
            reasons: [`rule-${index % 4}`],
            details: { index, even: index % 2 === 0 }
          })
        }
        const verification = yield* log.verify({ pageSize: 64 })
        return { last, verification }
      }).pipe(Effect.provide(AuditLog.layer.pipe(Layer.provideMerge(counting), Layer.provideMerge(TestClock.layer()))))
    )
    expect(rows.entries).toHaveLength(1_000)
    expect(verification).toEqual({ ok: true, entries: 1_000, head: { seq: 1_000, hash: last?.hash } })
    // Never more than a page at a time, starting where the previous page ended.
    expect(reads.length).toBeGreaterThanOrEqual(16)
    expect(reads.every(([, limit]) => limit === 64)).toBe(true)
    expect(reads.slice(0, 16).map(([fromSeq]) => fromSeq)).toEqual(Array.from({ length: 16 }, (_, i) => i * 64 + 1))
  })

  it("keeps one chain with contiguous seqs under 200 concurrent record calls", async () => {
    const rows = makeInMemoryAuditRows()
    const { entries, verification } = await Effect.runPromise(
      Effect.gen(function* () {
        const log = yield* AuditLog
        const entries = yield* Effect.all(
          Array.from({ length: 200 }, (_, index) =>
            log.record({ actor: `local:u${index}`, action: "task.submit", decision: "success" })
          ),
          { concurrency: "unbounded" }
        )
        return { entries, verification: yield* log.verify({ pageSize: 50 }) }
      }).pipe(Effect.provide(AuditLog.layer.pipe(Layer.provide(Layer.succeed(AuditStore, slowStore(rows))))))
    )
    expect(entries.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1)
    )
    expect(new Set(entries.map((entry) => entry.actor)).size).toBe(200)
    expect(verification).toMatchObject({ ok: true, entries: 200 })
    expect(rows.entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
  })

  it("keeps one chain when two log instances write to the same store (the store refuses forks)", async () => {
    const rows = makeInMemoryAuditRows()
    const store = Layer.succeed(AuditStore, slowStore(rows))
    const verification = await Effect.runPromise(
      Effect.gen(function* () {
        const first = yield* makeAuditLog()
        const second = yield* makeAuditLog()
        const writer = (log: typeof first, name: string) =>
          Effect.forEach(
            Array.from({ length: 20 }, (_, index) => index),
            (index) =>
              log.record({ actor: `local:${name}`, action: "task.submit", decision: "info", details: { index } }),
            { discard: true }
          )
        yield* Effect.all([writer(first, "a"), writer(second, "b")], { concurrency: "unbounded" })
        return yield* first.verify()
      }).pipe(Effect.provide(store))
    )
    expect(verification).toMatchObject({ ok: true, entries: 40 })
    expect(rows.entries.filter((entry) => entry.actor === "local:a")).toHaveLength(20)
    expect(rows.entries.filter((entry) => entry.actor === "local:b")).toHaveLength(20)
  })
})

describe("AuditLog.query", () => {
  // Six events, one ms apart from T0 + 1: seq n happened at T0 + n.
  const seedEvents: ReadonlyArray<AuditInput> = [
    { actor: "local:alice", action: "auth.login", decision: "success" },
    { actor: "local:alice", action: "task.submit", resource: "task/1", decision: "success" },
    { actor: "local:bob", action: "authz.decide", resource: "task/1", decision: "deny", reasons: ["default-deny"] },
    { actor: "local:alice", action: "authz.decide", resource: "agent/repo-scan", decision: "allow" },
    { actor: "local:bob", action: "task.submit", resource: "task/2", decision: "success" },
    { actor: "local:carol", action: "device.approve", resource: "device/d-1", decision: "success" }
  ]
  const seeded = <A, E>(program: Effect.Effect<A, E, AuditLog | AuditStore>) =>
    run(
      Effect.gen(function* () {
        for (const input of seedEvents) {
          yield* TestClock.adjust(1)
          yield* record(input)
        }
        return yield* program
      })
    )
  const seqs = (page: { readonly items: ReadonlyArray<AuditEntry> }) => page.items.map((entry) => entry.seq)

  it("filters by actor, action, resource prefix, decision and time range, newest first", async () => {
    const pages = await seeded(
      Effect.all({
        all: query(auditor, {}),
        alice: query(auditor, { actor: "local:alice" }),
        submits: query(auditor, { action: "task.submit" }),
        tasks: query(auditor, { resourcePrefix: "task/" }),
        task1: query(auditor, { resourcePrefix: "task/1" }),
        denied: query(auditor, { decision: "deny" }),
        window: query(auditor, { since: T0 + 2, until: T0 + 5 }),
        combined: query(auditor, { actor: "local:bob", action: "task.submit", since: T0 + 1 }),
        nobody: query(auditor, { actor: "local:mallory" })
      })
    )
    expect(seqs(pages.all)).toEqual([6, 5, 4, 3, 2, 1])
    expect(seqs(pages.alice)).toEqual([4, 2, 1])
    expect(seqs(pages.submits)).toEqual([5, 2])
    expect(seqs(pages.tasks)).toEqual([5, 3, 2])
    expect(seqs(pages.task1)).toEqual([3, 2])
    expect(seqs(pages.denied)).toEqual([3])
    // `since` is inclusive, `until` exclusive.
    expect(seqs(pages.window)).toEqual([4, 3, 2])
    expect(seqs(pages.combined)).toEqual([5])
    expect(pages.nobody.items).toEqual([])
    expect(pages.all.nextCursor).toBeUndefined()
  })

  it("pages with limit and cursor without losing or repeating an entry", async () => {
    const pages = await seeded(
      Effect.gen(function* () {
        const out: Array<ReadonlyArray<number>> = []
        let cursor: string | undefined
        do {
          const page = yield* query(auditor, { limit: 2, ...(cursor === undefined ? {} : { cursor }) })
          out.push(seqs(page))
          cursor = page.nextCursor
        } while (cursor !== undefined)
        const filtered = yield* query(auditor, { resourcePrefix: "task/", limit: 2 })
        const rest = yield* query(auditor, {
          resourcePrefix: "task/",
          limit: 2,
          ...(filtered.nextCursor === undefined ? {} : { cursor: filtered.nextCursor })
        })
        return { out, filtered: [seqs(filtered), seqs(rest)], restCursor: rest.nextCursor }
      })
    )
    expect(pages.out).toEqual([
      [6, 5],
      [4, 3],
      [2, 1]
    ])
    expect(pages.filtered).toEqual([[5, 3], [2]])
    expect(pages.restCursor).toBeUndefined()
  })

  it("refuses callers without audit:read or admin:all", async () => {
    const outcome = await seeded(
      Effect.gen(function* () {
        const refused = yield* Effect.flip(
          query({ principalId: "local:dev", permissions: new Set(["task:read", "task:submit"]) }, {})
        )
        const nobody = yield* Effect.flip(query({ principalId: "anonymous", permissions: new Set() }, {}))
        const admin = yield* query({ principalId: "local:root", permissions: new Set(["admin:all"]) }, {})
        return { refused, nobody, admin }
      })
    )
    expect(outcome.refused._tag).toBe("AuditError")
    expect(outcome.refused.reason).toBe("NotPermitted")
    expect(outcome.nobody.reason).toBe("NotPermitted")
    expect(outcome.admin.items).toHaveLength(6)
  })

  it("refuses a malformed limit, cursor, time bound or decision with invalid_query", async () => {
    const reasons = await seeded(
      Effect.forEach(
        [
          { limit: 0 },
          { limit: 1_001 },
          { limit: 2.5 },
          { cursor: "abc" },
          { cursor: "-1" },
          { cursor: "0" },
          { since: Number.NaN },
          { decision: "perhaps" as never }
        ] satisfies ReadonlyArray<AuditFilter>,
        (filter) => Effect.map(Effect.flip(query(auditor, filter)), (error) => error.reason)
      )
    )
    expect(reasons).toEqual(Array.from({ length: 8 }, () => "InvalidQuery"))
  })
})
