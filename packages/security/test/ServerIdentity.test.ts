import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import {
  makeServerIdentity,
  serverIdentityCheck,
  serverIdentityRecordId,
  verifyServerProof
} from "../src/identity/ServerIdentity.js"
import { makeInMemorySigningKeyStore } from "../src/sessions/InMemorySigningKeyStore.js"
import type { Session } from "../src/sessions/Session.js"
import { makeSessionTokens } from "../src/sessions/SessionTokens.js"
import { SigningKeyStore, type SigningKeyStoreShape } from "../src/sessions/SigningKeyStore.js"

const T0 = Date.UTC(2026, 10, 24, 12)
const clientNonce = "c".repeat(43)

const identityOver = (store: SigningKeyStoreShape) =>
  Effect.runPromise(makeServerIdentity.pipe(Effect.provideService(SigningKeyStore, store)))

const session: Session = {
  id: "0b7f6a4e-3f7c-4a55-9d55-0d3c2a1b9e01",
  principalId: "local:alice",
  provider: "local",
  roles: ["developer"],
  trust: "untrusted",
  scopes: [],
  createdAt: T0,
  expiresAt: T0 + 30 * 60_000
}

describe("the server identity key", () => {
  it("is made once and kept in the signing key store, beside (not among) the session keys", async () => {
    const store = makeInMemorySigningKeyStore()
    const first = await identityOver(store)
    const second = await identityOver(store)
    expect(second.key).toEqual(first.key)
    expect(first.key.keyId).toMatch(/^srv_[A-Za-z0-9_-]{43}$/)
    // The session-token ring over the same store neither signs with it nor retires it.
    await Effect.runPromise(
      Effect.flatMap(makeSessionTokens({ issuer: "i", audience: "a" }), (tokens) => tokens.rotate).pipe(
        Effect.provideService(SigningKeyStore, store)
      )
    )
    const kept = (await Effect.runPromise(store.load)).find((record) => record.kid === serverIdentityRecordId)
    expect(kept?.privateJwk).toBeDefined()
    expect(kept?.retiredAt).toBeUndefined()
    expect((await identityOver(store)).key).toEqual(first.key)
  })

  it("proves itself over both nonces; a replayed proof fails for another client nonce", async () => {
    const identity = await identityOver(makeInMemorySigningKeyStore())
    const proof = identity.prove("server-nonce-1", clientNonce)
    expect(verifyServerProof(proof, "server-nonce-1", clientNonce)).toBe(true)
    // A rogue server replaying a real server's proof to a client with a fresh nonce:
    expect(verifyServerProof(proof, "server-nonce-1", "d".repeat(43))).toBe(false)
    expect(verifyServerProof(proof, "server-nonce-2", clientNonce)).toBe(false)
    // Another key claiming the same proof:
    const other = await identityOver(makeInMemorySigningKeyStore())
    expect(verifyServerProof({ ...proof, publicKey: other.key.publicKey }, "server-nonce-1", clientNonce)).toBe(false)
  })

  it("the client check refuses a missing proof, a bad one and another server's key", async () => {
    const real = await identityOver(makeInMemorySigningKeyStore())
    const rogue = await identityOver(makeInMemorySigningKeyStore())
    const pinned = serverIdentityCheck({ pinned: real.key.publicKey })
    expect(pinned.check(real.prove("n", clientNonce), "n", clientNonce)).toBeUndefined()
    for (const proof of [undefined, rogue.prove("n", clientNonce), real.prove("n", "e".repeat(43))]) {
      expect(pinned.check(proof, "n", clientNonce)?.reason).toBe("server_identity_mismatch")
    }
  })

  it("binds session tokens to their server: a token of another server sharing the keys is refused", async () => {
    // Even two servers sharing one signing key store (and the configured audience) refuse each other's tokens.
    const shared = makeInMemorySigningKeyStore()
    const program = Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const a = yield* makeSessionTokens({ issuer: "i", audience: "coderclaw", serverAudience: "coderclaw-server:A" })
      const b = yield* makeSessionTokens({ issuer: "i", audience: "coderclaw", serverAudience: "coderclaw-server:B" })
      const token = yield* a.issue(session)
      const ownClaims = yield* a.verify(token)
      const refused = yield* Effect.flip(b.verify(token))
      return { ownClaims, refused }
    })
    const { ownClaims, refused } = await Effect.runPromise(
      program.pipe(Effect.provide(Layer.merge(Layer.succeed(SigningKeyStore, shared), TestClock.layer())))
    )
    expect(ownClaims.aud).toEqual(["coderclaw", "coderclaw-server:A"])
    expect(refused.reason).toBe("ClaimsMismatch")
  })
})
