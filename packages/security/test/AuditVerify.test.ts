import { createHash } from "node:crypto"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import {
  type AuditEntry,
  type AuditHead,
  AuditLog,
  AuditStore,
  type AuditVerifyOptions,
  canonicalAuditJson,
  emptyAuditHead,
  genesisHash,
  hashAuditEntry,
  type InMemoryAuditRows,
  InMemoryAuditStore,
  makeInMemoryAuditRows,
  makeInMemoryAuditStore,
  type UnhashedAuditEntry,
  verifyAuditStore
} from "../src/audit/index.js"

const T0 = 1_750_000_000_000
const pageSize = 8

/** Rows holding `count` genuine entries (seq n at T0 + n), appended through the audit log. */
const seed = (count: number): Promise<InMemoryAuditRows> => {
  const rows = makeInMemoryAuditRows()
  return Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const log = yield* AuditLog
      for (let index = 1; index <= count; index++) {
        yield* TestClock.adjust(1)
        yield* log.record({
          actor: `local:user-${index % 3}`,
          action: index % 2 === 0 ? "authz.decide" : "task.submit",
          resource: `task/${index}`,
          decision: index % 4 === 0 ? "deny" : "allow",
          reasons: [`rule-${index}`],
          details: { index }
        })
      }
      return rows
    }).pipe(
      Effect.provide(
        AuditLog.layer.pipe(
          Layer.provideMerge(InMemoryAuditStore.layerOver(rows)),
          Layer.provideMerge(TestClock.layer())
        )
      )
    )
  )
}

/** Verifies the rows through the audit log service, reading `pageSize` entries at a time. */
const verify = (rows: InMemoryAuditRows, options: AuditVerifyOptions = {}) =>
  Effect.runPromise(
    Effect.flatMap(Effect.service(AuditLog), (log) => log.verify({ pageSize, ...options })).pipe(
      Effect.provide(AuditLog.layer.pipe(Layer.provide(InMemoryAuditStore.layerOver(rows))))
    )
  )

const at = (rows: InMemoryAuditRows, seq: number): AuditEntry => {
  const entry = rows.entries.find((candidate) => candidate.seq === seq)
  if (entry === undefined) throw new Error(`no entry ${seq}`)
  return entry
}

const rehashed = (entry: UnhashedAuditEntry): AuditEntry => ({ ...entry, hash: hashAuditEntry(entry) })

/** Rewrites the chain from `fromSeq` on, re-hashing every entry and moving the head: a thorough forger. */
const rewriteFrom = (rows: InMemoryAuditRows, fromSeq: number, change: (entry: AuditEntry) => AuditEntry) => {
  let prevHash = fromSeq === 1 ? genesisHash : at(rows, fromSeq - 1).hash
  for (let index = fromSeq - 1; index < rows.entries.length; index++) {
    const original = rows.entries[index] as AuditEntry
    const { hash: _old, ...body } = index === fromSeq - 1 ? change(original) : original
    const entry = rehashed({ ...body, prevHash })
    rows.entries[index] = entry
    prevHash = entry.hash
  }
  rows.head = { seq: rows.entries.length, hash: prevHash }
}

describe("AuditLog.verify", () => {
  it("finds an untouched log intact, and an empty one too", async () => {
    const rows = await seed(50)
    expect(await verify(rows)).toEqual({ ok: true, entries: 50, head: { seq: 50, hash: at(rows, 50).hash } })
    expect(await verify(makeInMemoryAuditRows())).toEqual({ ok: true, entries: 0, head: emptyAuditHead })
  })

  it("detects an entry edited in place (hash_mismatch at that entry)", async () => {
    const rows = await seed(50)
    rows.entries[19] = { ...at(rows, 20), decision: "allow" === at(rows, 20).decision ? "deny" : "allow" }
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 20, reason: "hash_mismatch" })
  })

  it("detects an edited entry given a fresh hash (prev_hash_mismatch at the next entry)", async () => {
    const rows = await seed(50)
    const { hash: _old, ...body } = at(rows, 20)
    rows.entries[19] = rehashed({ ...body, actor: "local:mallory" })
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 21, reason: "prev_hash_mismatch" })
  })

  it("detects a deleted middle entry (seq_gap at the missing seq)", async () => {
    const rows = await seed(50)
    rows.entries.splice(19, 1)
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 20, reason: "seq_gap" })
  })

  it("detects a deleted first entry", async () => {
    const rows = await seed(50)
    rows.entries.shift()
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 1, reason: "seq_gap" })
  })

  it("detects two reordered entries (out_of_order), also across a page boundary", async () => {
    const rows = await seed(50)
    const [twenty, twentyOne] = [at(rows, 20), at(rows, 21)]
    rows.entries[19] = twentyOne
    rows.entries[20] = twenty
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 20, reason: "out_of_order" })

    // Seq 8 would end the first page of 8; swapped with 9, the first page ends on 9.
    const other = await seed(50)
    const [eight, nine] = [at(other, 8), at(other, 9)]
    other.entries[7] = nine
    other.entries[8] = eight
    expect(await verify(other)).toMatchObject({ ok: false, brokenAt: 8, reason: "out_of_order" })
  })

  it("detects a duplicated entry", async () => {
    const rows = await seed(50)
    rows.entries.splice(20, 0, at(rows, 20))
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 21, reason: "out_of_order" })
  })

  it("detects a truncated tail: the head record says the log is longer", async () => {
    const rows = await seed(50)
    rows.entries.length = 45
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 46, reason: "truncated" })

    const emptied = await seed(5)
    emptied.entries.length = 0
    expect(await verify(emptied)).toMatchObject({ ok: false, brokenAt: 1, reason: "truncated" })
  })

  it("detects a forged head", async () => {
    const forgedHash = await seed(50)
    forgedHash.head = { seq: 50, hash: "f".repeat(64) }
    expect(await verify(forgedHash)).toMatchObject({ ok: false, brokenAt: 50, reason: "head_mismatch" })

    const forgedSeq = await seed(50)
    forgedSeq.head = { seq: 60, hash: at(forgedSeq, 50).hash }
    expect(await verify(forgedSeq)).toMatchObject({ ok: false, brokenAt: 51, reason: "truncated" })

    // Entries beyond the head: appended behind the log's back, or the head was rolled back.
    const behind = await seed(50)
    behind.head = { seq: 40, hash: at(behind, 40).hash }
    expect(await verify(behind)).toMatchObject({ ok: false, brokenAt: 41, reason: "head_mismatch" })

    const emptyWithForgedHead = makeInMemoryAuditRows()
    emptyWithForgedHead.head = { seq: 0, hash: "a".repeat(64) }
    expect(await verify(emptyWithForgedHead)).toMatchObject({ ok: false, brokenAt: 1, reason: "head_mismatch" })
  })

  it("detects a first entry that does not start from the genesis hash", async () => {
    const rows = await seed(10)
    const { hash: _old, ...body } = at(rows, 1)
    rows.entries[0] = rehashed({ ...body, prevHash: "1".repeat(64) })
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 1, reason: "prev_hash_mismatch" })
  })

  it("names the first break when there are several", async () => {
    const rows = await seed(50)
    rows.entries[29] = { ...at(rows, 30), actor: "local:mallory" }
    rows.entries[9] = { ...at(rows, 10), resource: "task/other" }
    rows.entries.length = 40
    expect(await verify(rows)).toMatchObject({ ok: false, brokenAt: 10, reason: "hash_mismatch" })
  })

  it("catches a full rewrite or a cut head only against an anchor kept elsewhere", async () => {
    const rewritten = await seed(50)
    const anchor: AuditHead = rewritten.head
    rewriteFrom(rewritten, 10, (entry) => ({ ...entry, actor: "local:mallory" }))
    // The chain itself is consistent again: that is why the head should be anchored outside the store.
    expect(await verify(rewritten)).toMatchObject({ ok: true, entries: 50 })
    expect(await verify(rewritten, { anchor })).toMatchObject({ ok: false, brokenAt: 50, reason: "anchor_mismatch" })

    const cut = await seed(50)
    const cutAnchor = cut.head
    cut.entries.length = 45
    cut.head = { seq: 45, hash: at(cut, 45).hash }
    expect(await verify(cut)).toMatchObject({ ok: true, entries: 45 })
    expect(await verify(cut, { anchor: cutAnchor })).toMatchObject({ ok: false, brokenAt: 46, reason: "truncated" })

    const intact = await seed(50)
    expect(await verify(intact, { anchor: { seq: 30, hash: at(intact, 30).hash } })).toMatchObject({ ok: true })
  })

  it("follows entries appended while it runs and still finds the log intact", async () => {
    const rows = await seed(200)
    const base = makeInMemoryAuditStore(rows)
    // Every read yields, so the 100 concurrent records interleave with the pages.
    const yielding = Layer.succeed(AuditStore, {
      ...base,
      readRange: (fromSeq, limit) => Effect.andThen(Effect.yieldNow, base.readRange(fromSeq, limit)),
      head: () => Effect.andThen(Effect.yieldNow, base.head())
    })
    const [verification] = await Effect.runPromise(
      Effect.gen(function* () {
        const log = yield* AuditLog
        const store = yield* AuditStore
        const writes = Effect.forEach(
          Array.from({ length: 100 }, (_, index) => index),
          (index) =>
            Effect.andThen(
              Effect.yieldNow,
              log.record({ action: "task.submit", decision: "info", details: { index } })
            ),
          { discard: true }
        )
        return yield* Effect.all([verifyAuditStore(store, { pageSize: 16 }), writes], { concurrency: "unbounded" })
      }).pipe(Effect.provide(AuditLog.layer.pipe(Layer.provideMerge(yielding))))
    )
    expect(verification.ok).toBe(true)
    if (verification.ok) {
      expect(verification.entries).toBeGreaterThan(200)
      expect(verification.entries).toBeLessThanOrEqual(300)
      expect(verification.head.seq).toBe(verification.entries)
    }
    expect(rows.entries).toHaveLength(300)
    expect(await verify(rows)).toMatchObject({ ok: true, entries: 300 })
  })
})

describe("hashAuditEntry", () => {
  it("is the SHA-256 of the RFC 8785 canonical JSON of every field but the hash", () => {
    const entry: UnhashedAuditEntry = {
      seq: 7,
      id: "0190f5a2-0000-7000-8000-000000000007",
      at: 1_750_000_000_123,
      actor: "local:alice",
      action: "authz.decide",
      resource: "skill/fs.read",
      decision: "allow",
      reasons: ["role:developer", "policy:repo-read"],
      requestId: "r-7",
      details: { zeta: 1.5, alpha: "é", big: 1e21, none: null, yes: true },
      prevHash: "ab".repeat(32)
    }
    const expected =
      '{"action":"authz.decide","actor":"local:alice","at":1750000000123,' +
      '"decision":"allow","details":{"alpha":"é","big":1e+21,"none":null,"yes":true,"zeta":1.5},' +
      '"id":"0190f5a2-0000-7000-8000-000000000007","prevHash":"' +
      "ab".repeat(32) +
      '","reasons":["role:developer","policy:repo-read"],"requestId":"r-7","resource":"skill/fs.read","seq":7}'
    expect(canonicalAuditJson(entry)).toBe(expected)
    expect(hashAuditEntry(entry)).toBe(createHash("sha256").update(expected, "utf8").digest("hex"))
    // A stored entry (with its hash) or a row with extra columns hashes the same as the bare entry.
    const stored = { ...entry, hash: "cd".repeat(32), rowid: 99 } as UnhashedAuditEntry
    expect(hashAuditEntry(stored)).toBe(hashAuditEntry(entry))
    // Any change to a covered field changes the hash.
    expect(hashAuditEntry({ ...entry, at: entry.at + 1 })).not.toBe(hashAuditEntry(entry))
    expect(hashAuditEntry({ ...entry, details: { ...entry.details, zeta: 1.25 } })).not.toBe(hashAuditEntry(entry))
  })
})
