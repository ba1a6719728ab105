import type { SigningKeyStoreShape } from "@coderclaw/security"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { aSigningKey, type OpenStore, withStore } from "./storeHarness.js"

/** The `SigningKeyStore` behaviour every implementation must show, as the in-memory store defines it. */
export const signingKeyStoreBehaviour = (name: string, open: OpenStore<SigningKeyStoreShape>) =>
  describe(`SigningKeyStore behaviour: ${name}`, () => {
    const run = <A, E>(use: (store: SigningKeyStoreShape) => Effect.Effect<A, E>) => withStore(open, use)

    it("loads nothing from an empty store, then every saved key exactly as given", async () => {
      const current = aSigningKey("kid-current", { createdAt: 2_000 })
      const retired = aSigningKey("kid-retired", { createdAt: 1_000, retiredAt: 2_000 })
      const { publicJwk } = retired
      const publicOnly = { kid: retired.kid, publicJwk, createdAt: 1_000, retiredAt: 2_000 }
      const outcome = await run((store) =>
        Effect.gen(function* () {
          const empty = yield* store.load
          yield* store.save(current)
          yield* store.save(publicOnly)
          return { empty, loaded: yield* store.load }
        })
      )
      expect(outcome.empty).toEqual([])
      expect(outcome.loaded).toEqual([current, publicOnly])
      expect(Object.keys(outcome.loaded[1] ?? {})).not.toContain("privateJwk")
    })

    it("replaces the key with the same kid (retiring it drops the private half)", async () => {
      const key = aSigningKey("kid-1")
      const other = aSigningKey("kid-2")
      const { privateJwk: _secret, ...retired } = { ...key, retiredAt: 5_000 }
      const loaded = await run((store) =>
        Effect.gen(function* () {
          yield* store.save(key)
          yield* store.save(other)
          yield* store.save(retired)
          return yield* store.load
        })
      )
      // Replaced in place: the ring keeps its order.
      expect(loaded).toEqual([retired, other])
    })

    it("removes a key; removing a missing key is not an error", async () => {
      const kept = aSigningKey("kid-kept")
      const loaded = await run((store) =>
        Effect.gen(function* () {
          yield* store.save(aSigningKey("kid-gone"))
          yield* store.save(kept)
          yield* store.remove("kid-gone")
          yield* store.remove("kid-gone")
          yield* store.remove("kid-never")
          return yield* store.load
        })
      )
      expect(loaded).toEqual([kept])
    })
  })
