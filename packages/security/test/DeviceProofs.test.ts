import { sign } from "node:crypto"
import type { DeviceProof } from "@coderclaw/protocol"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import {
  assembleDeviceProof,
  type DeviceKey,
  DevicePairing,
  DeviceProofVerifier,
  type DeviceProofVerifierOptions,
  deviceIdOf,
  deviceProofBytes,
  generateDeviceKey,
  InMemoryDeviceStore,
  signDeviceProof
} from "../src/devices/index.js"

const T0 = 1_750_000_000_000
const admin = { principalId: "local:admin", permissions: new Set(["device:approve"]) }

type Services = DeviceProofVerifier | DevicePairing

/** Runs `program` with a fresh store, verifier and pairing service, the test clock set to T0. */
const run = <A, E>(program: Effect.Effect<A, E, Services>, options: DeviceProofVerifierOptions = {}) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(
      Effect.provide(
        Layer.mergeAll(DeviceProofVerifier.layer(options), DevicePairing.layer()).pipe(
          Layer.provideMerge(InMemoryDeviceStore.layer),
          Layer.provideMerge(TestClock.layer())
        )
      )
    )
  )

const verify = (proof: unknown, nonce: string, principalId?: string) =>
  Effect.flatMap(Effect.service(DeviceProofVerifier), (verifier) =>
    verifier.verify({ proof, nonce, ...(principalId === undefined ? {} : { principalId }) })
  )

/** The reason a verification failed with (fails the test if it succeeded). */
const rejection = (proof: unknown, nonce: string) =>
  Effect.map(Effect.flip(verify(proof, nonce)), (error) => {
    expect(error._tag).toBe("DeviceError")
    return error.reason
  })

const pair = (key: DeviceKey, principalId: string) =>
  Effect.gen(function* () {
    const pairing = yield* DevicePairing
    const request = yield* pairing.requestPairing({
      deviceId: key.deviceId,
      publicKey: key.publicKey,
      principalId,
      name: "laptop"
    })
    return yield* pairing.approve(request.id, admin)
  })

const proofFor = (key: DeviceKey, nonce: string, overrides: { scopes?: ReadonlyArray<string>; now?: number } = {}) =>
  signDeviceProof(key, { nonce, scopes: overrides.scopes ?? ["task:read"], now: overrides.now ?? T0 })

describe("DeviceProofVerifier: trust", () => {
  it("a valid proof from an unpaired device is verified, with the scopes as signed", async () => {
    const key = generateDeviceKey()
    const result = await run(
      verify(proofFor(key, "nonce-1", { scopes: ["task:submit", "task:read", "task:read"] }), "nonce-1")
    )
    expect(result).toEqual({
      deviceId: key.deviceId,
      publicKey: key.publicKey,
      trust: "verified",
      scopes: ["task:read", "task:submit"],
      signedAt: T0
    })
  })

  it("a device whose pairing was approved is trusted", async () => {
    const key = generateDeviceKey()
    const result = await run(
      Effect.gen(function* () {
        yield* pair(key, "local:alice")
        return yield* verify(proofFor(key, "nonce-2"), "nonce-2", "local:alice")
      })
    )
    expect(result.trust).toBe("trusted")
    expect(result.device).toMatchObject({ deviceId: key.deviceId, principalId: "local:alice", status: "paired" })
  })

  it("a device paired to another principal is only verified for this one", async () => {
    const key = generateDeviceKey()
    const [forBob, forAnyone] = await run(
      Effect.gen(function* () {
        yield* pair(key, "local:alice")
        const forBob = yield* verify(proofFor(key, "nonce-b"), "nonce-b", "local:bob")
        // Without a principal to check against, any approved pairing counts.
        const forAnyone = yield* verify(proofFor(key, "nonce-c"), "nonce-c")
        return [forBob, forAnyone] as const
      })
    )
    expect(forBob.trust).toBe("verified")
    expect(forBob.device).toBeUndefined()
    expect(forAnyone.trust).toBe("trusted")
  })

  it("a pending (not yet approved) pairing gives no trust", async () => {
    const key = generateDeviceKey()
    const result = await run(
      Effect.gen(function* () {
        const pairing = yield* DevicePairing
        yield* pairing.requestPairing({
          deviceId: key.deviceId,
          publicKey: key.publicKey,
          principalId: "local:a",
          name: "x"
        })
        return yield* verify(proofFor(key, "n"), "n", "local:a")
      })
    )
    expect(result.trust).toBe("verified")
  })

  it("a proof signed with WebCrypto and assembled without Node APIs verifies", async () => {
    const keys = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey))
    const deviceId = deviceIdOf(raw)
    const claims = { nonce: "browser-nonce", deviceId, signedAt: T0, scopes: ["task:read"] }
    const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", keys.privateKey, deviceProofBytes(claims)))
    const proof = assembleDeviceProof({
      deviceId,
      publicKey: Buffer.from(raw).toString("base64url"),
      signedAt: T0,
      scopes: claims.scopes,
      signature
    })
    const result = await run(verify(proof, "browser-nonce"))
    expect(result).toMatchObject({ deviceId, trust: "verified" })
  })
})

describe("DeviceProofVerifier: rejections", () => {
  it("refuses the same proof a second time as replayed", async () => {
    const key = generateDeviceKey()
    const proof = proofFor(key, "nonce-r")
    const reason = await run(
      Effect.gen(function* () {
        yield* verify(proof, "nonce-r")
        return yield* rejection(proof, "nonce-r")
      })
    )
    expect(reason).toBe("Replayed")
  })

  it("refuses another authentic proof for an already used nonce as replayed", async () => {
    const key = generateDeviceKey()
    const reason = await run(
      Effect.gen(function* () {
        yield* verify(proofFor(key, "nonce-s"), "nonce-s")
        return yield* rejection(proofFor(key, "nonce-s", { scopes: ["task:submit"], now: T0 + 1 }), "nonce-s")
      })
    )
    expect(reason).toBe("Replayed")
  })

  it("refuses a proof made for another connection's nonce as bad_signature", async () => {
    const key = generateDeviceKey()
    const proof = proofFor(key, "nonce-of-connection-A")
    expect(await run(rejection(proof, "nonce-of-connection-B"))).toBe("BadSignature")
  })

  it("refuses scopes changed after signing as bad_signature; order and duplicates are not changes", async () => {
    const key = generateDeviceKey()
    const proof = proofFor(key, "n1", { scopes: ["task:read", "task:submit"] })
    const widened = { ...proof, scopes: ["task:read", "task:submit", "admin:all"] }
    const narrowed = { ...proof, scopes: ["task:read"] }
    expect(await run(rejection(widened, "n1"))).toBe("BadSignature")
    expect(await run(rejection(narrowed, "n1"))).toBe("BadSignature")
    const reordered = { ...proof, scopes: ["task:submit", "task:read", "task:read"] }
    expect((await run(verify(reordered, "n1"))).scopes).toEqual(["task:read", "task:submit"])
  })

  it("refuses a signedAt changed after signing as bad_signature", async () => {
    const key = generateDeviceKey()
    const proof = proofFor(key, "n2")
    expect(await run(rejection({ ...proof, signedAt: T0 + 1 }, "n2"))).toBe("BadSignature")
  })

  it("refuses a signature by another key as bad_signature", async () => {
    const key = generateDeviceKey()
    const other = generateDeviceKey()
    const forged = { ...proofFor(key, "n3"), signature: proofFor(other, "n3").signature }
    expect(await run(rejection(forged, "n3"))).toBe("BadSignature")
  })

  it("refuses proofs signed too long ago or too far ahead as stale, and accepts the edges", async () => {
    const key = generateDeviceKey()
    expect(await run(rejection(proofFor(key, "old", { now: T0 - 60_001 }), "old"))).toBe("Stale")
    // The future is bounded much more tightly than the past: 5 s by default.
    expect(await run(rejection(proofFor(key, "ahead", { now: T0 + 5_001 }), "ahead"))).toBe("Stale")
    expect(await run(rejection(proofFor(key, "far-ahead", { now: T0 + 60_000 }), "far-ahead"))).toBe("Stale")
    expect((await run(verify(proofFor(key, "edge-old", { now: T0 - 60_000 }), "edge-old"))).trust).toBe("verified")
    expect((await run(verify(proofFor(key, "edge-new", { now: T0 + 5_000 }), "edge-new"))).trust).toBe("verified")
  })

  it("judges freshness against the effect clock and the configured skew", async () => {
    const key = generateDeviceKey()
    const proof = proofFor(key, "late")
    const reason = await run(
      Effect.gen(function* () {
        yield* TestClock.adjust("6 seconds")
        return yield* rejection(proof, "late")
      }),
      { maxClockSkewMs: 5_000 }
    )
    expect(reason).toBe("Stale")
  })

  it("refuses a device id not derived from the key as id_mismatch", async () => {
    const key = generateDeviceKey()
    const other = generateDeviceKey()
    // Signed correctly by `key`, but claiming `other`'s id.
    const claims = { nonce: "n4", deviceId: other.deviceId, signedAt: T0, scopes: ["task:read"] }
    const proof = assembleDeviceProof({
      ...claims,
      publicKey: key.publicKey,
      signature: sign(null, deviceProofBytes(claims), key.privateKey)
    })
    const error = await run(Effect.flip(verify(proof, "n4")))
    expect(error).toMatchObject({ _tag: "DeviceError", reason: "IdMismatch", deviceId: other.deviceId })
  })

  it("refuses a revoked device as revoked", async () => {
    const key = generateDeviceKey()
    const reason = await run(
      Effect.gen(function* () {
        yield* pair(key, "local:alice")
        yield* Effect.flatMap(Effect.service(DevicePairing), (pairing) => pairing.revoke(key.deviceId, admin))
        return yield* rejection(proofFor(key, "n5"), "n5")
      })
    )
    expect(reason).toBe("Revoked")
  })

  it("refuses malformed keys, signatures and shapes as malformed", async () => {
    const key = generateDeviceKey()
    const proof = proofFor(key, "n6")
    const shortKey = Buffer.from(key.publicKey, "base64url").subarray(0, 31).toString("base64url")
    const shortSignature = Buffer.from(proof.signature, "base64url").subarray(0, 63).toString("base64url")
    // The last character of a 32-byte base64url value carries 2 unused bits; setting one gives a second
    // spelling of the same key, which must not be accepted.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    const nonCanonicalKey = key.publicKey.slice(0, -1) + alphabet[alphabet.indexOf(key.publicKey.at(-1) ?? "") | 1]
    const malformed: ReadonlyArray<unknown> = [
      null,
      "a proof",
      {},
      { ...proof, publicKey: "!!!not-base64url!!!" },
      { ...proof, publicKey: shortKey },
      { ...proof, publicKey: `${key.publicKey}=` },
      { ...proof, publicKey: "/".repeat(43) },
      { ...proof, publicKey: nonCanonicalKey },
      { ...proof, signature: shortSignature },
      { ...proof, signature: `${proof.signature.slice(0, -1)}.` },
      { ...proof, signedAt: -1 },
      { ...proof, signedAt: 1.5 },
      { ...proof, scopes: "task:read" },
      { ...proof, extra: true },
      { deviceId: proof.deviceId, algorithm: "ed25519", publicKey: proof.publicKey, signature: proof.signature }
    ]
    for (const input of malformed) {
      expect(await run(rejection(input, "n6")), JSON.stringify(input)).toBe("Malformed")
    }
    expect(nonCanonicalKey).not.toBe(key.publicKey)
  })

  it("refuses another algorithm as unknown_algorithm", async () => {
    const key = generateDeviceKey()
    const proof: DeviceProof = proofFor(key, "n7")
    expect(await run(rejection({ ...proof, algorithm: "rsa-pss" }, "n7"))).toBe("UnknownAlgorithm")
    expect(await run(rejection({ ...proof, algorithm: 7 }, "n7"))).toBe("UnknownAlgorithm")
  })
})

describe("DeviceProofVerifier: replay cache", () => {
  const stats = Effect.flatMap(Effect.service(DeviceProofVerifier), (verifier) => verifier.stats)

  it("stays within its size by refusing new proofs when full, never by evicting live ones; forgets expired ones", async () => {
    const key = generateDeviceKey()
    const outcome = await run(
      Effect.gen(function* () {
        const accepted: Array<string> = []
        const refused: Array<string> = []
        for (let i = 0; i < 6; i++) {
          yield* TestClock.adjust(1)
          const result = yield* Effect.result(verify(proofFor(key, `nonce-${i}`, { now: T0 + i }), `nonce-${i}`))
          if (result._tag === "Success") accepted.push(`nonce-${i}`)
          else refused.push(`${result.failure._tag === "DeviceError" ? result.failure.reason : "?"}`)
        }
        const size = (yield* stats).replayCacheEntries
        // Every remembered nonce is still refused: nothing was evicted to make room.
        const replays = yield* Effect.forEach(accepted, (nonce) =>
          rejection(proofFor(key, nonce, { now: T0 + Number(nonce.slice(6)) }), nonce)
        )
        // Past the freshness window (60 s behind + 5 s ahead) every entry has expired: there is room again.
        yield* TestClock.adjust("65 seconds")
        yield* TestClock.adjust(10)
        const later = T0 + 65_020
        yield* verify(proofFor(key, "nonce-late", { now: later }), "nonce-late")
        const afterExpiry = (yield* stats).replayCacheEntries
        return { accepted, refused, size, replays, afterExpiry }
      }),
      { replayCacheSize: 3 }
    )
    expect(outcome.accepted).toEqual(["nonce-0", "nonce-1", "nonce-2"])
    expect(outcome.refused).toEqual(["ReplayCacheFull", "ReplayCacheFull", "ReplayCacheFull"])
    expect(outcome.size).toBe(3)
    expect(outcome.replays).toEqual(["Replayed", "Replayed", "Replayed"])
    expect(outcome.afterExpiry).toBe(1)
  })

  it("a flood of future-dated proofs cannot evict a victim's nonce while its proof is still fresh", async () => {
    const victim = generateDeviceKey()
    const attacker = generateDeviceKey()
    const outcome = await run(
      Effect.gen(function* () {
        const victimProof = proofFor(victim, "victim-nonce")
        yield* verify(victimProof, "victim-nonce")
        // The attacker dates proofs as far ahead as anything is accepted and sends many more than fit.
        const flood = yield* Effect.forEach(
          Array.from({ length: 50 }, (_, i) => i),
          (i) => Effect.result(verify(proofFor(attacker, `flood-${i}`, { now: T0 + 5_000 }), `flood-${i}`))
        )
        const farAhead = yield* rejection(proofFor(attacker, "far", { now: T0 + 3_600_000 }), "far")
        const victimReplay = yield* rejection(victimProof, "victim-nonce")
        // Still refused at the last moment the victim's proof is fresh.
        yield* TestClock.adjust("60 seconds")
        const atTheEdge = yield* rejection(victimProof, "victim-nonce")
        return {
          floodRefusals: flood.filter((result) => result._tag === "Failure").length,
          farAhead,
          victimReplay,
          atTheEdge
        }
      }),
      { replayCacheSize: 10 }
    )
    expect(outcome.floodRefusals).toBe(41)
    expect(outcome.farAhead).toBe("Stale")
    expect(outcome.victimReplay).toBe("Replayed")
    expect(outcome.atTheEdge).toBe("Replayed")
  })

  it("remembers a nonce for as long as its proof could be fresh", async () => {
    const key = generateDeviceKey()
    // Signed 5 s ahead: it stays fresh until the clock reaches T0 + 65 s.
    const proof = proofFor(key, "nonce-f", { now: T0 + 5_000 })
    const reason = await run(
      Effect.gen(function* () {
        yield* verify(proof, "nonce-f")
        yield* TestClock.adjust("65 seconds")
        return yield* rejection(proof, "nonce-f")
      })
    )
    expect(reason).toBe("Replayed")
  })
})
