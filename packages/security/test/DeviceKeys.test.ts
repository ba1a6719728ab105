import { createHash, createPublicKey, generateKeyPairSync, verify } from "node:crypto"
import { DeviceProof, deviceProofPayload } from "@coderclaw/protocol"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  DeviceKeyError,
  deviceIdOf,
  deviceProofSigner,
  exportDeviceKey,
  generateDeviceKey,
  importDeviceKey,
  signDeviceProof
} from "../src/devices/index.js"

const importError = (jwk: unknown) => Effect.runPromise(Effect.flip(importDeviceKey(jwk)))

const verifiesWith = (proof: DeviceProof, nonce: string, publicKey: string): boolean =>
  verify(
    null,
    Buffer.from(
      deviceProofPayload({ nonce, deviceId: proof.deviceId, signedAt: proof.signedAt, scopes: proof.scopes })
    ),
    createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: publicKey }, format: "jwk" }),
    Buffer.from(proof.signature, "base64url")
  )

describe("deviceIdOf", () => {
  it("is dev_ + base64url of the first 24 bytes of SHA-256 over the raw key", () => {
    // The public key of RFC 8032 §7.1, test 1.
    const raw = Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex")
    const expected = `dev_${createHash("sha256").update(raw).digest().subarray(0, 24).toString("base64url")}`
    expect(deviceIdOf(raw)).toBe(expected)
    expect(expected).toMatch(/^dev_[A-Za-z0-9_-]{32}$/)
  })

  it("gives different keys different ids", () => {
    const ids = new Set(Array.from({ length: 20 }, () => generateDeviceKey().deviceId))
    expect(ids.size).toBe(20)
  })
})

describe("generateDeviceKey", () => {
  it("derives the id from the raw 32-byte public key", () => {
    const key = generateDeviceKey()
    const raw = Buffer.from(key.publicKey, "base64url")
    expect(raw).toHaveLength(32)
    expect(key.publicKey).not.toContain("=")
    expect(key.deviceId).toBe(deviceIdOf(raw))
    expect(key.privateKey.asymmetricKeyType).toBe("ed25519")
  })
})

describe("exportDeviceKey / importDeviceKey", () => {
  it("round-trips through a JSON file and keeps signing as the same device", async () => {
    const key = generateDeviceKey()
    const file = JSON.stringify(exportDeviceKey(key))
    const jwk = JSON.parse(file)
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", x: key.publicKey, kid: key.deviceId })
    expect(typeof jwk.d).toBe("string")

    const loaded = await Effect.runPromise(importDeviceKey(jwk))
    expect(loaded.deviceId).toBe(key.deviceId)
    expect(loaded.publicKey).toBe(key.publicKey)
    const proof = signDeviceProof(loaded, { nonce: "n-1", scopes: ["task:read"], now: 1_000 })
    expect(verifiesWith(proof, "n-1", key.publicKey)).toBe(true)
  })

  it("accepts a JWK without kid and ignores extra JWK members", async () => {
    const key = generateDeviceKey()
    const { kid: _kid, ...jwk } = exportDeviceKey(key)
    const loaded = await Effect.runPromise(importDeviceKey({ ...jwk, alg: "EdDSA", use: "sig" }))
    expect(loaded.deviceId).toBe(key.deviceId)
  })

  it("refuses what is not an Ed25519 private JWK as malformed", async () => {
    const jwk = exportDeviceKey(generateDeviceKey())
    const ecKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" })
    for (const input of [
      null,
      "not a key",
      { ...jwk, d: undefined },
      { ...jwk, crv: "Ed448" },
      { ...jwk, kty: "EC" },
      ecKey,
      { ...jwk, d: jwk.d.slice(0, -2) },
      { ...jwk, d: `${jwk.d}=` },
      { ...jwk, d: `${jwk.d.slice(0, -1)}*` },
      { ...jwk, x: jwk.x.slice(0, -2) }
    ]) {
      const error = await importError(input)
      expect(error).toBeInstanceOf(DeviceKeyError)
      expect(error.reason).toBe("Malformed")
    }
  })

  it("refuses a file whose public half or id belongs to another key as key_mismatch", async () => {
    const jwk = exportDeviceKey(generateDeviceKey())
    const other = exportDeviceKey(generateDeviceKey())
    const wrongX = await importError({ ...jwk, x: other.x })
    expect(wrongX.reason).toBe("KeyMismatch")
    const wrongKid = await importError({ ...jwk, kid: other.kid })
    expect(wrongKid.reason).toBe("KeyMismatch")
    expect(wrongKid.message).toContain("kid")
  })
})

describe("signDeviceProof", () => {
  it("produces a wire DeviceProof whose signature covers the nonce, id, time and scopes", () => {
    const key = generateDeviceKey()
    const proof = signDeviceProof(key, { nonce: "abc", scopes: ["task:submit", "task:read"], now: 1_750_000_000_123 })
    expect(Schema.decodeUnknownSync(DeviceProof)(proof)).toEqual(proof)
    expect(proof).toMatchObject({
      deviceId: key.deviceId,
      algorithm: "ed25519",
      publicKey: key.publicKey,
      signedAt: 1_750_000_000_123,
      scopes: ["task:submit", "task:read"]
    })
    expect(Buffer.from(proof.signature, "base64url")).toHaveLength(64)
    expect(proof.signature).not.toContain("=")
    expect(verifiesWith(proof, "abc", key.publicKey)).toBe(true)
    expect(verifiesWith(proof, "abd", key.publicKey)).toBe(false)
    expect(verifiesWith({ ...proof, scopes: ["task:read"] }, "abc", key.publicKey)).toBe(false)
  })

  it("deviceProofSigner signs each nonce it is given at the clock it is given", () => {
    const key = generateDeviceKey()
    let now = 5_000
    const signer = deviceProofSigner(key, { scopes: ["task:read"], now: () => now })
    const first = signer("nonce-1")
    now = 6_000
    const second = signer("nonce-2")
    expect(first.signedAt).toBe(5_000)
    expect(second.signedAt).toBe(6_000)
    expect(verifiesWith(first, "nonce-1", key.publicKey)).toBe(true)
    expect(verifiesWith(second, "nonce-2", key.publicKey)).toBe(true)
    expect(verifiesWith(second, "nonce-1", key.publicKey)).toBe(false)
  })
})
