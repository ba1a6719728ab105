import { Timestamp } from "@coderclaw/protocol"
import { Schema } from "effect"

/**
 * Where a pairing request stands. An expired request keeps `pending` (expiry is a matter of time, not a
 * write): compare `expiresAt` with the clock.
 */
export const DevicePairingRequestStatus = Schema.Literals(["pending", "approved", "rejected"])
export type DevicePairingRequestStatus = typeof DevicePairingRequestStatus.Type

/** A principal asks for one of its devices to be paired; an operator approves or rejects it. */
export const DevicePairingRequest = Schema.Struct({
  id: Schema.String,
  deviceId: Schema.String,
  /** The raw 32-byte Ed25519 public key, base64url without padding; checked against `deviceId`. */
  publicKey: Schema.String,
  principalId: Schema.String,
  /** A name people recognise the device by, e.g. `alice-laptop`. */
  name: Schema.String,
  requestedAt: Timestamp,
  /** After this time the request can no longer be decided; the device must ask again. */
  expiresAt: Timestamp,
  status: DevicePairingRequestStatus,
  decidedAt: Schema.optionalKey(Timestamp),
  /** The principal id of the operator who decided. */
  decidedBy: Schema.optionalKey(Schema.String),
  /** The operator's reason for a rejection. */
  reason: Schema.optionalKey(Schema.String)
})
export type DevicePairingRequest = typeof DevicePairingRequest.Type
