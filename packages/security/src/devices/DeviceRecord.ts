import { Timestamp } from "@coderclaw/protocol"
import { Schema } from "effect"

/** A device's standing: `paired` (an operator approved it) or `revoked` (its key is no longer trusted). */
export const DeviceStatus = Schema.Literals(["paired", "revoked"])
export type DeviceStatus = typeof DeviceStatus.Type

/**
 * A device known to the server, one per device id (a row of a `DeviceStore`). A device belongs to the one
 * principal whose pairing request was approved. Revocation is kept, not deleted, so the same key can never
 * quietly pair again.
 */
export const DeviceRecord = Schema.Struct({
  deviceId: Schema.String,
  /** The raw 32-byte Ed25519 public key, base64url without padding. */
  publicKey: Schema.String,
  principalId: Schema.String,
  name: Schema.String,
  status: DeviceStatus,
  pairedAt: Timestamp,
  /** The principal id of the operator who approved the pairing. */
  approvedBy: Schema.String,
  revokedAt: Schema.optionalKey(Timestamp),
  /** The principal id of whoever revoked it (an operator, or the owner). */
  revokedBy: Schema.optionalKey(Schema.String)
})
export type DeviceRecord = typeof DeviceRecord.Type
