import { SessionRejected, type SessionStoreShape } from "@coderclaw/security"
import { Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { aSession, failureOf, type OpenStore, withStore } from "./storeHarness.js"

/** The `SessionStore` behaviour every implementation must show, as the in-memory store defines it. */
export const sessionStoreBehaviour = (name: string, open: OpenStore<SessionStoreShape>) =>
  describe(`SessionStore behaviour: ${name}`, () => {
    const run = <A, E>(use: (store: SessionStoreShape) => Effect.Effect<A, E>) => withStore(open, use)

    it("finds an inserted session exactly as given; none for an unknown id", async () => {
      const full = aSession("s-1", "local:alice", {
        provider: "oidc",
        displayName: "Alice",
        roles: ["admin", "developer"],
        deviceId: "dev_abc",
        trust: "trusted",
        scopes: ["task:read", "task:submit"],
        revokedAt: 1_500
      })
      const bare = aSession("s-2", "local:bob")
      const found = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(full)
          yield* store.insert(bare)
          return [yield* store.find("s-1"), yield* store.find("s-2"), yield* store.find("s-3")]
        })
      )
      expect(found).toEqual([Option.some(full), Option.some(bare), Option.none()])
      const keys = Object.keys(Option.getOrThrow(found[1] ?? Option.none()))
      for (const optional of ["displayName", "deviceId", "revokedAt"]) expect(keys).not.toContain(optional)
    })

    it("refuses a taken id with unavailable and keeps the stored session", async () => {
      const first = aSession("s-1", "local:alice")
      const { error, stored } = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(first)
          const error = yield* failureOf(store.insert(aSession("s-1", "local:mallory", { roles: ["admin"] })))
          return { error, stored: yield* store.find("s-1") }
        })
      )
      expect(error).toBeInstanceOf(SessionRejected)
      expect(error).toMatchObject({ reason: "Unavailable", sessionId: "s-1" })
      expect(stored).toEqual(Option.some(first))
    })

    it("revokes once: the first revocation time is kept; none for an unknown session", async () => {
      const session = aSession("s-1", "local:alice")
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(session)
          const first = yield* store.revoke("s-1", 2_000)
          const second = yield* store.revoke("s-1", 3_000)
          const unknown = yield* store.revoke("s-404", 2_000)
          return { first, second, unknown, stored: yield* store.find("s-1") }
        })
      )
      expect(outcome.first).toEqual(Option.some({ ...session, revokedAt: 2_000 }))
      expect(outcome.second).toEqual(Option.some({ ...session, revokedAt: 2_000 }))
      expect(outcome.unknown).toEqual(Option.none())
      expect(outcome.stored).toEqual(Option.some({ ...session, revokedAt: 2_000 }))
    })

    it("revokes all of a principal's unrevoked sessions, counting only those it changed", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aSession("a-1", "local:alice"))
          yield* store.insert(aSession("a-2", "local:alice", { revokedAt: 500 }))
          yield* store.insert(aSession("a-3", "local:alice", { createdAt: 1_200 }))
          yield* store.insert(aSession("b-1", "local:bob"))
          const count = yield* store.revokeAllFor("local:alice", 2_000)
          const again = yield* store.revokeAllFor("local:alice", 3_000)
          const nobody = yield* store.revokeAllFor("local:nobody", 3_000)
          return {
            count,
            again,
            nobody,
            alice: yield* store.listFor("local:alice"),
            bob: yield* store.listFor("local:bob")
          }
        })
      )
      expect({ count: outcome.count, again: outcome.again, nobody: outcome.nobody }).toEqual({
        count: 2,
        again: 0,
        nobody: 0
      })
      expect(outcome.alice.map((session) => [session.id, session.revokedAt])).toEqual([
        ["a-1", 2_000],
        ["a-2", 500],
        ["a-3", 2_000]
      ])
      expect(outcome.bob.map((session) => session.revokedAt)).toEqual([undefined])
    })

    it("lists a principal's sessions oldest first, insertion order within one millisecond", async () => {
      const listed = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aSession("c", "local:alice", { createdAt: 3_000 }))
          yield* store.insert(aSession("z", "local:alice", { createdAt: 1_000 }))
          yield* store.insert(aSession("other", "local:bob", { createdAt: 500 }))
          yield* store.insert(aSession("a", "local:alice", { createdAt: 1_000 }))
          yield* store.insert(aSession("b", "local:alice", { createdAt: 2_000 }))
          return { alice: yield* store.listFor("local:alice"), nobody: yield* store.listFor("local:nobody") }
        })
      )
      expect(listed.alice.map((session) => session.id)).toEqual(["z", "a", "b", "c"])
      expect(listed.nobody).toEqual([])
    })

    it("deletes the sessions expiring at or before the time, revoked or not, and counts them", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aSession("early", "local:alice", { expiresAt: 4_000 }))
          yield* store.insert(aSession("edge", "local:alice", { expiresAt: 5_000, revokedAt: 1_500 }))
          yield* store.insert(aSession("late", "local:alice", { expiresAt: 5_001 }))
          yield* store.insert(aSession("bob", "local:bob", { expiresAt: 100 }))
          const deleted = yield* store.deleteExpired(5_000)
          const again = yield* store.deleteExpired(5_000)
          return {
            deleted,
            again,
            alice: yield* store.listFor("local:alice"),
            bob: yield* store.listFor("local:bob"),
            edge: yield* store.find("edge")
          }
        })
      )
      expect({ deleted: outcome.deleted, again: outcome.again }).toEqual({ deleted: 3, again: 0 })
      expect(outcome.alice.map((session) => session.id)).toEqual(["late"])
      expect(outcome.bob).toEqual([])
      expect(outcome.edge).toEqual(Option.none())
    })

    it("accepts an id again once its session was purged", async () => {
      const stored = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aSession("s-1", "local:alice", { expiresAt: 2_000 }))
          yield* store.deleteExpired(2_000)
          yield* store.insert(aSession("s-1", "local:bob", { expiresAt: 9_000 }))
          return yield* store.find("s-1")
        })
      )
      expect(Option.getOrThrow(stored).principalId).toBe("local:bob")
    })

    it("moves its revision on every revocation and deletion, and lists live sessions of everyone", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aSession("s-1", "local:alice"))
          yield* store.insert(aSession("s-2", "local:bob"))
          yield* store.insert(aSession("s-3", "local:bob"))
          const start = yield* store.revision
          const live = (yield* store.listActive(0)).map((session) => session.id)
          yield* store.revoke("s-1", 10)
          const afterRevoke = yield* store.revision
          yield* store.revoke("s-missing", 10)
          const afterMissing = yield* store.revision
          yield* store.revokeAllFor("local:bob", 11)
          const afterAll = yield* store.revision
          const liveAfter = yield* store.listActive(0)
          return { start, live, afterRevoke, afterMissing, afterAll, liveAfter }
        })
      )
      expect(outcome.live).toEqual(["s-1", "s-2", "s-3"])
      expect(outcome.afterRevoke).toBeGreaterThan(outcome.start)
      expect(outcome.afterMissing).toBe(outcome.afterRevoke)
      expect(outcome.afterAll).toBeGreaterThan(outcome.afterRevoke)
      expect(outcome.liveAfter).toEqual([])
    })
  })
