import { Schema } from "effect"

/**
 * Why a device proof was refused:
 * - `unknown_algorithm`: `algorithm` is not `ed25519`.
 * - `malformed`: not a `DeviceProof`, or the key is not 32 bytes / the signature not 64 bytes of base64url.
 * - `id_mismatch`: `deviceId` is not the id derived from `publicKey` (see `deviceIdOf`).
 * - `bad_signature`: the signature does not cover this connection's nonce with these device id, time and
 *   scopes: signed for another connection, or altered after signing.
 * - `stale`: `signedAt` is further behind the server's clock than `maxClockSkewMs`, or further ahead than
 *   `maxFutureSkewMs`.
 * - `replayed`: a proof for this nonce was already accepted.
 * - `replay_cache_full`: so many proofs were accepted within the freshness window that no more nonces can
 *   be remembered without forgetting live ones; the connection may retry shortly.
 * - `revoked`: the device was revoked; it must pair again with a new key.
 */
export const DeviceProofRejectionReason = Schema.Literals([
  "malformed",
  "id_mismatch",
  "bad_signature",
  "stale",
  "replayed",
  "revoked",
  "unknown_algorithm",
  "replay_cache_full"
])
export type DeviceProofRejectionReason = typeof DeviceProofRejectionReason.Type

/**
 * A device proof was refused. `deviceId` is set when the proof named one (not trustworthy unless the
 * reason comes after the signature check: `stale`, `replayed`, `revoked`). Map it to the wire's
 * `Unauthenticated` (`device_proof_failed`, or `revoked`); `detail` is for logs, not for clients.
 */
export class DeviceProofRejected extends Schema.TaggedError<DeviceProofRejected>()("DeviceProofRejected", {
  reason: DeviceProofRejectionReason,
  deviceId: Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const device = this.deviceId === undefined ? "" : ` for device ${this.deviceId}`
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    return `Device proof rejected${device}: ${this.reason.replaceAll("_", " ")}${detail}`
  }
}
