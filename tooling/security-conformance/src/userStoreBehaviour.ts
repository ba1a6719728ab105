import { LocalUserError, type UserStoreShape } from "@coderclaw/security"
import { Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { aUser, failureOf, fakePasswordHash, type OpenStore, withStore } from "./storeHarness.js"

/** The `UserStore` behaviour every implementation must show, as the in-memory store defines it. */
export const userStoreBehaviour = (name: string, open: OpenStore<UserStoreShape>) =>
  describe(`UserStore behaviour: ${name}`, () => {
    const run = <A, E>(use: (store: UserStoreShape) => Effect.Effect<A, E>) => withStore(open, use)

    it("finds an inserted account exactly as given, display name and all; none for an unknown name", async () => {
      const alice = aUser("alice", { displayName: "Alice A.", roles: ["admin", "developer"], disabled: true })
      const bob = aUser("bob")
      const found = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(alice)
          yield* store.insert(bob)
          return [yield* store.find("alice"), yield* store.find("bob"), yield* store.find("carol")]
        })
      )
      expect(found).toEqual([Option.some(alice), Option.some(bob), Option.none()])
      // Absent optional fields stay absent, never null or undefined.
      expect(Object.keys(Option.getOrThrow(found[1] ?? Option.none()))).not.toContain("displayName")
    })

    it("refuses a second insert of the same name with already_exists and keeps the first", async () => {
      const first = aUser("alice")
      const { error, stored } = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(first)
          const error = yield* failureOf(store.insert(aUser("alice", { roles: ["admin"] })))
          return { error, stored: yield* store.find("alice") }
        })
      )
      expect(error).toBeInstanceOf(LocalUserError)
      expect(error).toMatchObject({ reason: "AlreadyExists", username: "alice" })
      expect(stored).toEqual(Option.some(first))
    })

    it("updates the given fields only, always setting updatedAt, and returns the account as stored", async () => {
      const alice = aUser("alice", { displayName: "Alice" })
      const newHash = fakePasswordHash()
      const { updated, roles, stored } = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(alice)
          const updated = yield* store.update("alice", { passwordHash: newHash, disabled: true, updatedAt: 2_000 })
          const roles = yield* store.update("alice", { roles: ["readonly"], updatedAt: 3_000 })
          return { updated, roles, stored: yield* store.find("alice") }
        })
      )
      expect(updated).toEqual(Option.some({ ...alice, passwordHash: newHash, disabled: true, updatedAt: 2_000 }))
      const expected = { ...alice, passwordHash: newHash, disabled: true, roles: ["readonly"], updatedAt: 3_000 }
      expect(roles).toEqual(Option.some(expected))
      expect(stored).toEqual(Option.some(expected))
    })

    it("can clear the roles and re-enable an account (falsy changes are changes)", async () => {
      const stored = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aUser("alice", { disabled: true, roles: ["admin"] }))
          return yield* store.update("alice", { roles: [], disabled: false, updatedAt: 2_000 })
        })
      )
      expect(Option.getOrThrow(stored)).toMatchObject({ roles: [], disabled: false, updatedAt: 2_000 })
    })

    it("answers none for an unknown account and writes nothing", async () => {
      const { updated, list } = await run((store) =>
        Effect.gen(function* () {
          const updated = yield* store.update("ghost", { disabled: true, updatedAt: 2_000 })
          return { updated, list: yield* store.list }
        })
      )
      expect(updated).toEqual(Option.none())
      expect(list).toEqual([])
    })

    it("applies a conditional update only while the stored hash is the expected one (compare-and-set)", async () => {
      const alice = aUser("alice")
      const changed = fakePasswordHash()
      const rehash = fakePasswordHash()
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(alice)
          // A password change lands between a login's read and its re-hash…
          yield* store.update("alice", { passwordHash: changed, updatedAt: 2_000 })
          // …so the re-hash, conditioned on the hash it read, must not undo it.
          const stale = yield* store.update(
            "alice",
            { passwordHash: rehash, updatedAt: 3_000 },
            { passwordHash: alice.passwordHash }
          )
          const afterStale = yield* store.find("alice")
          const fresh = yield* store.update(
            "alice",
            { passwordHash: rehash, updatedAt: 4_000 },
            { passwordHash: changed }
          )
          return { stale, afterStale, fresh }
        })
      )
      expect(outcome.stale).toEqual(Option.none())
      expect(outcome.afterStale).toEqual(Option.some({ ...alice, passwordHash: changed, updatedAt: 2_000 }))
      expect(outcome.fresh).toEqual(Option.some({ ...alice, passwordHash: rehash, updatedAt: 4_000 }))
    })

    it("an empty condition is no condition", async () => {
      const updated = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aUser("alice"))
          return yield* store.update("alice", { disabled: true, updatedAt: 2_000 }, {})
        })
      )
      expect(Option.getOrThrow(updated).disabled).toBe(true)
    })

    it("removes an account, answering whether one was removed; the name is free again", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insert(aUser("alice"))
          const removed = yield* store.remove("alice")
          const again = yield* store.remove("alice")
          const found = yield* store.find("alice")
          yield* store.insert(aUser("alice", { roles: ["admin"] }))
          return { removed, again, found, reinserted: yield* store.find("alice") }
        })
      )
      expect(outcome).toMatchObject({ removed: true, again: false, found: Option.none() })
      expect(Option.getOrThrow(outcome.reinserted).roles).toEqual(["admin"])
    })

    it("lists every account ordered by name", async () => {
      const names = ["mallory", "alice", "bob-2", "bob", "0day", "bob.1", "zed"]
      const listed = await run((store) =>
        Effect.gen(function* () {
          for (const name of names) yield* store.insert(aUser(name))
          return yield* store.list
        })
      )
      expect(listed.map((user) => user.username)).toEqual(["0day", "alice", "bob", "bob-2", "bob.1", "mallory", "zed"])
    })
  })
