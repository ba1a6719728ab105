import {
  type AuditEntry,
  AuditError,
  type AuditFilter,
  type AuditStoreShape,
  emptyAuditHead,
  hashAuditEntry,
  verifyAuditStore
} from "@coderclaw/security"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type AuditFields, chainEntries, failureOf, type OpenStore, withStore } from "./storeHarness.js"

const appendAll = (store: AuditStoreShape, entries: ReadonlyArray<AuditEntry>) =>
  Effect.forEach(entries, (entry) => store.append(entry), { discard: true })

/** Every page of a query, following `nextCursor`: the seqs of each page. */
const allPages = (store: AuditStoreShape, filter: AuditFilter) =>
  Effect.gen(function* () {
    const pages: Array<Array<number>> = []
    let cursor: string | undefined
    do {
      const page = yield* store.query({ ...filter, ...(cursor === undefined ? {} : { cursor }) })
      pages.push(page.items.map((entry) => entry.seq))
      cursor = page.nextCursor
    } while (cursor !== undefined && pages.length < 100)
    return pages
  })

// A small log with something for every filter: seq → actor, action, decision, resource, at.
const sample: ReadonlyArray<AuditFields> = [
  { actor: "local:alice", action: "auth.login", decision: "success", at: 1_000 },
  { actor: "local:alice", action: "task.submit", decision: "allow", resource: "task/t-1", at: 2_000 },
  { actor: "local:bob", action: "task.submit", decision: "deny", resource: "task/t-2", at: 3_000 },
  { actor: "anonymous", action: "auth.login", decision: "failure", at: 4_000 },
  { actor: "local:alice", action: "agent.invoke", decision: "allow", resource: "agent/repo-scan", at: 5_000 },
  { actor: "local:bob", action: "task.cancel", decision: "allow", resource: "task/t-2", at: 6_000 },
  { actor: "local:alice", action: "task.submit", decision: "allow", resource: "", at: 7_000 }
]

/** The `AuditStore` behaviour every implementation must show, as the in-memory store defines it. */
export const auditStoreBehaviour = (name: string, open: OpenStore<AuditStoreShape>) =>
  describe(`AuditStore behaviour: ${name}`, () => {
    const run = <A, E>(use: (store: AuditStoreShape) => Effect.Effect<A, E>) => withStore(open, use)

    it("starts empty: the genesis head and no entries", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          return {
            head: yield* store.head(),
            range: yield* store.readRange(1, 100),
            page: yield* store.query({})
          }
        })
      )
      expect(outcome).toEqual({ head: emptyAuditHead, range: [], page: { items: [] } })
    })

    it("appends a chain, moving the head with each entry; entries read back exactly, so their hashes hold", async () => {
      const entries = chainEntries([
        {
          device: "dev_1",
          session: "s-1",
          resource: "task/t-1",
          requestId: "req-1",
          remoteAddress: "127.0.0.1",
          reasons: ["role:developer", "policy:allow-submit"],
          details: { agentId: "repo-scan", attempt: 2, ratio: -0.25, big: 1e21, retry: false, note: null, empty: "" }
        },
        {},
        { details: {} }
      ])
      const outcome = await run((store) =>
        Effect.gen(function* () {
          const heads = []
          for (const entry of entries) {
            yield* store.append(entry)
            heads.push(yield* store.head())
          }
          return { heads, stored: yield* store.readRange(1, 10), verdict: yield* verifyAuditStore(store) }
        })
      )
      expect(outcome.heads).toEqual(entries.map((entry) => ({ seq: entry.seq, hash: entry.hash })))
      expect(outcome.stored).toEqual(entries)
      for (const stored of outcome.stored) expect(hashAuditEntry(stored)).toBe(stored.hash)
      // Absent optional fields come back absent (a `null` would change the hash).
      expect(Object.keys(outcome.stored[1] ?? {}).sort()).toEqual(
        ["action", "actor", "at", "decision", "hash", "id", "prevHash", "reasons", "seq"].sort()
      )
      expect(outcome.verdict).toMatchObject({ ok: true, entries: 3 })
    })

    it("refuses with conflict, writing nothing, an entry that does not follow the head", async () => {
      const [first, second] = chainEntries([{}, {}])
      if (first === undefined || second === undefined) throw new Error("no entries")
      const [fork] = chainEntries([{ actor: "local:mallory" }], { seq: first.seq, hash: first.hash })
      const outcome = await run((store) =>
        Effect.gen(function* () {
          const gap = yield* failureOf(store.append(second))
          yield* store.append(first)
          const replay = yield* failureOf(store.append(first))
          const badPrev = yield* failureOf(store.append({ ...second, prevHash: "f".repeat(64) }))
          yield* store.append(second)
          // Built on seq 1 while seq 2 was appended by someone else: the same seq, another prevHash chain.
          const forked = yield* failureOf(store.append(fork ?? second))
          return {
            errors: [gap, replay, badPrev, forked],
            head: yield* store.head(),
            stored: yield* store.readRange(1, 10)
          }
        })
      )
      for (const error of outcome.errors) {
        expect(error).toBeInstanceOf(AuditError)
        expect(error.reason).toBe("Conflict")
      }
      expect(outcome.errors.map((error) => error.seq)).toEqual([2, 1, 2, 2])
      expect(outcome.head).toEqual({ seq: 2, hash: second.hash })
      expect(outcome.stored).toEqual([first, second])
    })

    it("reads ranges in seq order from fromSeq, at most limit entries", async () => {
      const entries = chainEntries(Array.from({ length: 7 }, () => ({})))
      const ranges = await run((store) =>
        Effect.gen(function* () {
          yield* appendAll(store, entries)
          const seqs = (fromSeq: number, limit: number) =>
            Effect.map(store.readRange(fromSeq, limit), (page) => page.map((entry) => entry.seq))
          return [
            yield* seqs(1, 3),
            yield* seqs(4, 3),
            yield* seqs(7, 3),
            yield* seqs(8, 3),
            yield* seqs(0, 2),
            yield* seqs(-5, 1),
            yield* seqs(2, 0),
            yield* seqs(2, Number.POSITIVE_INFINITY)
          ]
        })
      )
      expect(ranges).toEqual([[1, 2, 3], [4, 5, 6], [7], [], [1, 2], [1], [], [2, 3, 4, 5, 6, 7]])
    })

    it("queries newest first with every filter, alone and combined", async () => {
      const pages = await run((store) =>
        Effect.gen(function* () {
          yield* appendAll(store, chainEntries(sample))
          const seqs = (filter: AuditFilter) =>
            Effect.map(store.query(filter), (page) => page.items.map((entry) => entry.seq))
          return {
            all: yield* seqs({}),
            actor: yield* seqs({ actor: "local:alice" }),
            action: yield* seqs({ action: "task.submit" }),
            decision: yield* seqs({ decision: "allow" }),
            prefix: yield* seqs({ resourcePrefix: "task/" }),
            prefixExact: yield* seqs({ resourcePrefix: "agent/repo-scan" }),
            emptyPrefix: yield* seqs({ resourcePrefix: "" }),
            noMatch: yield* seqs({ resourcePrefix: "task/t-2x" }),
            caseSensitive: yield* seqs({ actor: "LOCAL:ALICE" }),
            since: yield* seqs({ since: 5_000 }),
            until: yield* seqs({ until: 3_000 }),
            window: yield* seqs({ since: 2_000, until: 6_000 }),
            combined: yield* seqs({
              actor: "local:bob",
              action: "task.submit",
              decision: "deny",
              resourcePrefix: "task/"
            }),
            combinedNone: yield* seqs({ actor: "local:bob", decision: "success" })
          }
        })
      )
      expect(pages).toEqual({
        all: [7, 6, 5, 4, 3, 2, 1],
        actor: [7, 5, 2, 1],
        action: [7, 3, 2],
        decision: [7, 6, 5, 2],
        prefix: [6, 3, 2],
        prefixExact: [5],
        emptyPrefix: [7, 6, 5, 3, 2],
        noMatch: [],
        caseSensitive: [],
        since: [7, 6, 5],
        until: [2, 1],
        window: [5, 4, 3, 2],
        combined: [3],
        combinedNone: []
      })
    })

    it("pages with cursors: nextCursor is the last seq of a full page, absent on the last one", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* appendAll(store, chainEntries(sample))
          const first = yield* store.query({ limit: 3 })
          return {
            first: { seqs: first.items.map((entry) => entry.seq), nextCursor: first.nextCursor },
            all: yield* allPages(store, { limit: 3 }),
            exact: yield* allPages(store, { limit: 7 }),
            filtered: yield* allPages(store, { actor: "local:alice", limit: 2 }),
            fromCursor: yield* allPages(store, { cursor: "4", limit: 2 })
          }
        })
      )
      expect(outcome.first).toEqual({ seqs: [7, 6, 5], nextCursor: "5" })
      expect(outcome.all).toEqual([[7, 6, 5], [4, 3, 2], [1]])
      // A page that happens to end on the last match says so: no cursor to an empty page.
      expect(outcome.exact).toEqual([[7, 6, 5, 4, 3, 2, 1]])
      expect(outcome.filtered).toEqual([
        [7, 5],
        [2, 1]
      ])
      expect(outcome.fromCursor).toEqual([[3, 2], [1]])
    })

    it("pages by the default limit when the filter names none", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* appendAll(store, chainEntries(Array.from({ length: 101 }, () => ({}))))
          const page = yield* store.query({})
          return { size: page.items.length, first: page.items[0]?.seq, nextCursor: page.nextCursor }
        })
      )
      expect(outcome).toEqual({ size: 100, first: 101, nextCursor: "2" })
    })
  })
