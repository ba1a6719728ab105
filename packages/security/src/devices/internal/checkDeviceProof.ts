import { createPublicKey, verify } from "node:crypto"
import { boundaryParseOptions, DeviceProof, deviceProofPayload } from "@coderclaw/protocol"
import { Result, Schema } from "effect"
import { DeviceError } from "../DeviceError.js"
import { deviceIdOf } from "../deviceIdOf.js"
import { decodeBase64Url } from "./base64url.js"
import { decodeDevicePublicKey, ed25519SignatureLength } from "./devicePublicKey.js"

/** A proof that passed every check that needs neither state nor storage. */
export interface ProvenDevice {
  readonly deviceId: string
  readonly publicKey: string
  readonly signedAt: number
  /** The scopes as signed: de-duplicated and sorted, as in the payload. */
  readonly scopes: ReadonlyArray<string>
}

const decodeProof = Schema.decodeUnknownResult(DeviceProof, boundaryParseOptions)

const algorithmOf = (input: unknown): unknown =>
  typeof input === "object" && input !== null && "algorithm" in input ? input.algorithm : undefined

const rejected = (reason: DeviceError["reason"], detail: string, deviceId?: string) =>
  new DeviceError({ operation: "proof", reason, detail, ...(deviceId === undefined ? {} : { deviceId }) })

/**
 * The stateless checks of a device proof, cheapest first: algorithm, shape, key and signature encodings,
 * id derivation, the signature over the payload rebuilt with the connection's nonce, and freshness. The
 * signature is checked before the time so that `stale` is only ever said of an authentic proof.
 */
export const checkDeviceProof = (
  input: unknown,
  nonce: string,
  now: number,
  maxClockSkewMs: number,
  maxFutureSkewMs: number = maxClockSkewMs
): ProvenDevice | DeviceError => {
  const algorithm = algorithmOf(input)
  if (algorithm !== undefined && algorithm !== "ed25519") {
    return rejected("UnknownAlgorithm", `algorithm ${JSON.stringify(algorithm)?.slice(0, 40)} is not supported`)
  }
  const decoded = decodeProof(input)
  if (Result.isFailure(decoded)) return rejected("Malformed", "not a device proof")
  const proof = decoded.success

  const rawKey = decodeDevicePublicKey(proof.publicKey)
  if (rawKey === undefined) return rejected("Malformed", "publicKey is not 32 bytes of base64url", proof.deviceId)
  const signature = decodeBase64Url(proof.signature)
  if (signature?.length !== ed25519SignatureLength) {
    return rejected("Malformed", "signature is not 64 bytes of base64url", proof.deviceId)
  }
  if (deviceIdOf(rawKey) !== proof.deviceId) {
    return rejected("IdMismatch", "deviceId is not derived from publicKey", proof.deviceId)
  }

  const payload = deviceProofPayload({
    nonce,
    deviceId: proof.deviceId,
    signedAt: proof.signedAt,
    scopes: proof.scopes
  })
  let valid: boolean
  try {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: proof.publicKey }, format: "jwk" })
    valid = verify(null, Buffer.from(payload, "utf8"), key, signature)
  } catch {
    // A key OpenSSL refuses to load cannot have signed anything.
    valid = false
  }
  if (!valid) return rejected("BadSignature", "signature does not cover this connection's claims", proof.deviceId)

  const skew = proof.signedAt - now
  if (skew > maxFutureSkewMs || -skew > maxClockSkewMs) {
    return rejected(
      "Stale",
      `signedAt is ${Math.abs(skew)} ms ${skew > 0 ? "ahead of" : "behind"} the server clock`,
      proof.deviceId
    )
  }
  return {
    deviceId: proof.deviceId,
    publicKey: proof.publicKey,
    signedAt: proof.signedAt,
    scopes: [...new Set(proof.scopes)].sort()
  }
}
