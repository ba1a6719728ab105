/**
 * Device trust: each device holds an Ed25519 key, is known by an id derived from it, proves possession on
 * every connection by signing the server's nonce, and becomes `trusted` once an operator approves its
 * pairing.
 *
 * @module
 */

/** The wire `DeviceProof` from a signature made elsewhere (WebCrypto, hardware key); runs in browsers. */
export { assembleDeviceProof, type DeviceProofParts, deviceProofBytes } from "./assembleDeviceProof.js"
/**
 * The one error of device trust: a refused proof, a refused pairing operation or a failed store, told apart
 * by `reason` (and `operation`).
 */
export { DeviceError, DeviceErrorReason, DeviceOperation } from "./DeviceError.js"
/**
 * A device's key pair (`generateDeviceKey`), kept in a file as a private JWK (`exportDeviceKey`,
 * `importDeviceKey`), signing each connection's proof (`signDeviceProof`, `deviceProofSigner`).
 */
export {
  type DeviceKey,
  DeviceKeyJwk,
  type DeviceProofRequest,
  deviceProofSigner,
  exportDeviceKey,
  generateDeviceKey,
  importDeviceKey,
  signDeviceProof
} from "./DeviceKey.js"
/** A stored device key could not be loaded (`malformed`, `key_mismatch`). */
export { DeviceKeyError } from "./DeviceKeyError.js"
/** Who decides on devices, and whether they may (`device:approve` or `admin:all`). */
export { canManageDevices, type DeviceOperator } from "./DeviceOperator.js"
/** The pairing service: devices ask, operators approve or reject, owners and operators revoke. */
export {
  DevicePairing,
  type DevicePairingOptions,
  type DevicePairingRequestInput,
  type DevicePairingShape,
  makeDevicePairing
} from "./DevicePairing.js"
/** A pairing request as stored: pending until an operator decides or it expires. */
export { DevicePairingRequest, DevicePairingRequestStatus } from "./DevicePairingRequest.js"
/** Verifies device proofs on connect and tells `trusted` from `verified` devices. */
export {
  type DeviceProofCheck,
  DeviceProofVerifier,
  type DeviceProofVerifierOptions,
  type DeviceProofVerifierShape,
  type DeviceProofVerifierStats,
  makeDeviceProofVerifier,
  type VerifiedDevice
} from "./DeviceProofVerifier.js"
/** A device as stored: paired to one principal, or revoked for good. */
export { DeviceRecord, DeviceStatus } from "./DeviceRecord.js"
/** The storage port for devices and pairing requests, for durable implementations to fill. */
export {
  type DeviceFilter,
  type DevicePairingDecision,
  type DevicePairingDecisionOutcome,
  type DevicePairingRequestFilter,
  DeviceStore,
  type DeviceStoreShape
} from "./DeviceStore.js"
/** The device id derived from a raw public key: `dev_` + base64url of the first 24 bytes of its SHA-256. */
export { deviceIdDigestBytes, deviceIdOf, deviceIdPrefix } from "./deviceIdOf.js"
/** A device store in memory, for tests and local runs. */
export { InMemoryDeviceStore, makeInMemoryDeviceStore } from "./InMemoryDeviceStore.js"
