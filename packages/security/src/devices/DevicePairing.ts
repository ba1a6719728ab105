import { randomUUID } from "node:crypto"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { DeviceError } from "./DeviceError.js"
import { canManageDevices, type DeviceOperator } from "./DeviceOperator.js"
import type { DevicePairingRequest } from "./DevicePairingRequest.js"
import type { DeviceRecord } from "./DeviceRecord.js"
import { type DeviceFilter, DeviceStore } from "./DeviceStore.js"
import { deviceIdOf, deviceIdPrefix } from "./deviceIdOf.js"
import { decodeDevicePublicKey } from "./internal/devicePublicKey.js"

/** How pairing behaves. */
export interface DevicePairingOptions {
  /** How long a request may wait for a decision. Default 600 000 ms (10 minutes). */
  readonly requestTtlMs?: number | undefined
  /**
   * Pending requests one principal may have at once; a further one fails `too_many_requests` until one is
   * decided or expires. Default 5: enough for a person's machines, too few to bury operators.
   */
  readonly maxPendingPerPrincipal?: number | undefined
  /**
   * Pending requests made from one peer address at once (counted by this process). Default 20, so many
   * accounts behind one address cannot flood operators either.
   */
  readonly maxPendingPerAddress?: number | undefined
}

/**
 * A device asking to be paired with the principal using it. Pass the device id and key of a device that
 * proved possession on the current connection (`VerifiedDevice`) and the connection's principal id, never
 * values taken from the request body alone.
 */
export interface DevicePairingRequestInput {
  readonly deviceId: string
  /** The raw 32-byte Ed25519 public key, base64url without padding. */
  readonly publicKey: string
  readonly principalId: string
  /** 1 to 64 characters, no control characters. */
  readonly name: string
  /** The address the request came from, counted against `maxPendingPerAddress`. */
  readonly remoteAddress?: string | undefined
}

/** Pairing: devices ask, operators decide, owners and operators revoke. */
export interface DevicePairingShape {
  /**
   * Records a pending request, or returns the pending, unexpired one this device already has for this
   * principal (a device retrying does not pile up requests). Fails `key_mismatch`, `invalid_name`,
   * `revoked`, `already_paired`, or `too_many_requests` when the principal or the address already has the
   * most pending requests allowed.
   */
  requestPairing(input: DevicePairingRequestInput): Effect.Effect<DevicePairingRequest, DeviceError>
  /**
   * Approves a pending request: the device becomes `paired` to the requesting principal and, once it proves
   * possession again, `trusted`. Fails `not_permitted`, `not_found`, `already_decided`, `expired`,
   * `revoked` or `already_paired`.
   */
  approve(requestId: string, operator: DeviceOperator): Effect.Effect<DeviceRecord, DeviceError>
  /** Rejects a pending request. Fails `not_permitted`, `not_found`, `already_decided` or `expired`. */
  reject(requestId: string, operator: DeviceOperator, reason?: string): Effect.Effect<DevicePairingRequest, DeviceError>
  /**
   * Revokes a device: its proofs are refused from now on (`revoked`), for good. Allowed to operators with
   * `device:approve`/`admin:all` and to the device's own principal (someone who lost a laptop). Revoking a
   * revoked device returns it unchanged. Fails `not_permitted` or `not_found`.
   */
  revoke(deviceId: string, operator: DeviceOperator): Effect.Effect<DeviceRecord, DeviceError>
  /** The stored device, paired or revoked. */
  get(deviceId: string): Effect.Effect<Option.Option<DeviceRecord>, DeviceError>
  /** Stored devices matching the filter, e.g. one principal's. */
  list(filter?: DeviceFilter): Effect.Effect<ReadonlyArray<DeviceRecord>, DeviceError>
  /**
   * The pending request an operator means: a request id as `listPending` shows it, or a device id (`dev_…`)
   * with exactly one pending, unexpired request (of `principalId`, when given). Fails `not_found` when
   * there is none, `ambiguous` when the device has several (name the request or the principal), and for a
   * request id as `approve` would: `already_decided`, `expired`.
   */
  findPending(id: string, principalId?: string): Effect.Effect<DevicePairingRequest, DeviceError>
  /** Requests still awaiting a decision (pending and not expired), oldest first. */
  readonly listPending: Effect.Effect<ReadonlyArray<DevicePairingRequest>, DeviceError>
  /** Deletes requests whose expiry has passed, decided or not (approvals live on in the device rows). */
  readonly pruneExpired: Effect.Effect<number, DeviceError>
}

const defaults = { requestTtlMs: 600_000, maxPendingPerPrincipal: 5, maxPendingPerAddress: 20 } as const
const maxNameLength = 64
// C0 and C1 controls: a name is shown to operators, and control characters could rewrite what they see.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/

const fail = (
  reason: DeviceError["reason"],
  subject: { readonly requestId?: string; readonly deviceId?: string },
  detail?: string
) =>
  Effect.fail(
    new DeviceError({ operation: "pairing", reason, ...subject, ...(detail === undefined ? {} : { detail }) })
  )

/** Builds the pairing service over the `DeviceStore`. Dies on invalid options (a configuration bug). */
export const makeDevicePairing = (
  options: DevicePairingOptions = {}
): Effect.Effect<DevicePairingShape, never, DeviceStore> =>
  Effect.gen(function* () {
    const requestTtlMs = options.requestTtlMs ?? defaults.requestTtlMs
    if (!Number.isInteger(requestTtlMs) || requestTtlMs < 1) {
      return yield* Effect.die(new Error(`requestTtlMs must be a positive integer, got ${requestTtlMs}`))
    }
    const maxPendingPerPrincipal = options.maxPendingPerPrincipal ?? defaults.maxPendingPerPrincipal
    const maxPendingPerAddress = options.maxPendingPerAddress ?? defaults.maxPendingPerAddress
    for (const [name, value] of [
      ["maxPendingPerPrincipal", maxPendingPerPrincipal],
      ["maxPendingPerAddress", maxPendingPerAddress]
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        return yield* Effect.die(new Error(`${name} must be a positive integer, got ${value}`))
      }
    }
    const store = yield* DeviceStore
    // Requests by address, in memory: the store keeps no address, and only this process creates requests
    // from connections. Each entry is (request id → expiry); decided requests are dropped when seen pending
    // no more.
    const byAddress = new Map<string, Map<string, number>>()

    const requirePermission = (operator: DeviceOperator, subject: { readonly requestId?: string }) =>
      canManageDevices(operator)
        ? Effect.void
        : fail("NotPermitted", subject, `${operator.principalId} holds neither device:approve nor admin:all`)

    // Loads a request that can still be decided at `now`.
    const decidable = (requestId: string, now: number) =>
      Effect.gen(function* () {
        const found = yield* store.getPairingRequest(requestId)
        if (Option.isNone(found)) return yield* fail("NotFound", { requestId })
        const request = found.value
        if (request.status !== "pending") return yield* fail("AlreadyDecided", { requestId }, request.status)
        if (now > request.expiresAt) return yield* fail("Expired", { requestId })
        return request
      })

    const requestPairing = (input: DevicePairingRequestInput) =>
      Effect.gen(function* () {
        const { deviceId, publicKey, principalId, name } = input
        const raw = decodeDevicePublicKey(publicKey)
        if (raw === undefined) return yield* fail("KeyMismatch", { deviceId }, "publicKey is not 32 bytes of base64url")
        if (deviceIdOf(raw) !== deviceId)
          return yield* fail("KeyMismatch", { deviceId }, "deviceId is not derived from publicKey")
        if (name.length === 0 || name.length > maxNameLength || controlCharacters.test(name)) {
          return yield* fail("InvalidName", { deviceId })
        }
        const existing = Option.getOrUndefined(yield* store.getDevice(deviceId))
        if (existing?.status === "revoked") return yield* fail("Revoked", { deviceId })
        if (existing?.status === "paired") return yield* fail("AlreadyPaired", { deviceId })

        const now = yield* Clock.currentTimeMillis
        const pending = yield* store.listPairingRequests({ status: "pending", deviceId })
        const open = pending.find((request) => request.principalId === principalId && now <= request.expiresAt)
        if (open !== undefined) return open
        const allPending = (yield* store.listPairingRequests({ status: "pending" })).filter(
          (request) => now <= request.expiresAt
        )
        const principalPending = allPending.filter((request) => request.principalId === principalId).length
        if (principalPending >= maxPendingPerPrincipal) {
          return yield* fail(
            "TooManyRequests",
            { deviceId },
            `${principalId} already has ${principalPending} pending pairing requests (at most ${maxPendingPerPrincipal})`
          )
        }
        const address = input.remoteAddress
        const fromAddress = address === undefined ? undefined : byAddress.get(address)
        if (fromAddress !== undefined) {
          const stillPending = new Set(allPending.map((request) => request.id))
          for (const [id, expiresAt] of fromAddress)
            if (expiresAt < now || !stillPending.has(id)) fromAddress.delete(id)
          if (fromAddress.size >= maxPendingPerAddress) {
            return yield* fail(
              "TooManyRequests",
              { deviceId },
              `${fromAddress.size} pending pairing requests from ${address} (at most ${maxPendingPerAddress})`
            )
          }
        }
        const request: DevicePairingRequest = {
          id: randomUUID(),
          deviceId,
          publicKey,
          principalId,
          name,
          requestedAt: now,
          expiresAt: now + requestTtlMs,
          status: "pending"
        }
        yield* store.insertPairingRequest(request)
        if (address !== undefined) {
          const entries = byAddress.get(address) ?? new Map<string, number>()
          entries.set(request.id, request.expiresAt)
          byAddress.set(address, entries)
        }
        return request
      })

    const approve = (requestId: string, operator: DeviceOperator) =>
      Effect.gen(function* () {
        // Permission first, so operators without it learn nothing about which requests exist.
        yield* requirePermission(operator, { requestId })
        const now = yield* Clock.currentTimeMillis
        const request = yield* decidable(requestId, now)
        const existing = Option.getOrUndefined(yield* store.getDevice(request.deviceId))
        if (existing?.status === "revoked") return yield* fail("Revoked", { requestId, deviceId: request.deviceId })
        if (existing?.status === "paired") {
          return yield* fail("AlreadyPaired", { requestId, deviceId: request.deviceId })
        }
        const device: DeviceRecord = {
          deviceId: request.deviceId,
          publicKey: request.publicKey,
          principalId: request.principalId,
          name: request.name,
          status: "paired",
          pairedAt: now,
          approvedBy: operator.principalId
        }
        const outcome = yield* store.decidePairingRequest({
          requestId,
          status: "approved",
          decidedAt: now,
          decidedBy: operator.principalId,
          device
        })
        if (outcome === "not_pending") return yield* fail("AlreadyDecided", { requestId })
        if (outcome === "device_exists") {
          // Paired or revoked by a concurrent call since the check above: report which.
          const current = Option.getOrUndefined(yield* store.getDevice(request.deviceId))
          return yield* fail(current?.status === "revoked" ? "Revoked" : "AlreadyPaired", {
            requestId,
            deviceId: request.deviceId
          })
        }
        return device
      })

    const reject = (requestId: string, operator: DeviceOperator, reason?: string) =>
      Effect.gen(function* () {
        yield* requirePermission(operator, { requestId })
        const now = yield* Clock.currentTimeMillis
        const request = yield* decidable(requestId, now)
        const outcome = yield* store.decidePairingRequest({
          requestId,
          status: "rejected",
          decidedAt: now,
          decidedBy: operator.principalId,
          ...(reason === undefined ? {} : { reason })
        })
        if (outcome !== "decided") return yield* fail("AlreadyDecided", { requestId })
        const rejected: DevicePairingRequest = {
          ...request,
          status: "rejected",
          decidedAt: now,
          decidedBy: operator.principalId,
          ...(reason === undefined ? {} : { reason })
        }
        return rejected
      })

    const revoke = (deviceId: string, operator: DeviceOperator) =>
      Effect.gen(function* () {
        const found = Option.getOrUndefined(yield* store.getDevice(deviceId))
        const owner = found !== undefined && found.principalId === operator.principalId
        // Permission before existence, as in `approve`, for everyone but the owner.
        if (!owner) yield* requirePermission(operator, {})
        if (found === undefined) return yield* fail("NotFound", { deviceId })
        if (found.status === "revoked") return found
        const now = yield* Clock.currentTimeMillis
        const revoked: DeviceRecord = { ...found, status: "revoked", revokedAt: now, revokedBy: operator.principalId }
        yield* store.putDevice(revoked)
        return revoked
      })

    const listPending = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const pending = yield* store.listPairingRequests({ status: "pending" })
      return pending.filter((request) => now <= request.expiresAt)
    })

    const findPending = (id: string, principalId?: string) =>
      Effect.gen(function* () {
        if (!id.startsWith(deviceIdPrefix)) return yield* decidable(id, yield* Clock.currentTimeMillis)
        const mine = (yield* listPending).filter(
          (request) => request.deviceId === id && (principalId === undefined || request.principalId === principalId)
        )
        const [only] = mine
        if (only !== undefined && mine.length === 1) return only
        return yield* only === undefined
          ? fail("NotFound", { deviceId: id }, `no pending pairing request for ${id}`)
          : fail(
              "Ambiguous",
              { deviceId: id },
              // Sorted: the store lists requests in no promised order, and the message must read the same each time.
              `${id} has ${mine.length} pending requests (${mine
                .map((request) => request.principalId)
                .sort()
                .join(", ")})`
            )
      })

    return {
      requestPairing,
      approve,
      reject,
      revoke,
      get: (deviceId) => store.getDevice(deviceId),
      list: (filter = {}) => store.listDevices(filter),
      findPending,
      listPending,
      pruneExpired: Effect.flatMap(Clock.currentTimeMillis, (now) => store.deletePairingRequestsExpiredBefore(now))
    }
  })

/** The device pairing service. */
export class DevicePairing extends Context.Service<DevicePairing, DevicePairingShape>()(
  "@coderclaw/security/DevicePairing"
) {
  /** Pairing over the `DeviceStore`. */
  static readonly layer = (options: DevicePairingOptions = {}): Layer.Layer<DevicePairing, never, DeviceStore> =>
    Layer.effect(DevicePairing, Effect.map(makeDevicePairing(options), DevicePairing.of))
}
