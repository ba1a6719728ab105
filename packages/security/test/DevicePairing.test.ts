import { Effect, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import {
  type DeviceError,
  type DeviceKey,
  type DeviceOperator,
  DevicePairing,
  DeviceStore,
  type DeviceStoreShape,
  generateDeviceKey,
  InMemoryDeviceStore,
  makeInMemoryDeviceStore
} from "../src/devices/index.js"

const T0 = 1_750_000_000_000
const TEN_MINUTES = 600_000

const approver: DeviceOperator = { principalId: "local:ops", permissions: new Set(["device:approve", "task:read"]) }
const superuser: DeviceOperator = { principalId: "local:root", permissions: new Set(["admin:all"]) }
const bystander: DeviceOperator = { principalId: "local:mallory", permissions: new Set(["task:submit", "task:read"]) }

/**
 * An in-memory store that yields to other fibers before every operation, as a remote database would, so
 * concurrent calls really interleave between their reads and writes.
 */
const interleavingStore = Layer.sync(DeviceStore, () => {
  const inner = makeInMemoryDeviceStore()
  const shape: Record<string, unknown> = {}
  for (const [name, operation] of Object.entries(inner)) {
    shape[name] = (...args: ReadonlyArray<unknown>) =>
      Effect.andThen(
        Effect.yieldNow,
        (operation as (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown>)(...args)
      )
  }
  return shape as unknown as DeviceStoreShape
})

const run = <A, E>(
  program: Effect.Effect<A, E, DevicePairing | DeviceStore>,
  storeLayer: Layer.Layer<DeviceStore> = InMemoryDeviceStore.layer
) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(
      Effect.provide(DevicePairing.layer().pipe(Layer.provideMerge(storeLayer), Layer.provideMerge(TestClock.layer())))
    )
  )

const pairing = Effect.service(DevicePairing)

const requestFor = (key: DeviceKey, principalId = "local:alice", name = "alice-laptop") =>
  Effect.flatMap(pairing, (service) =>
    service.requestPairing({ deviceId: key.deviceId, publicKey: key.publicKey, principalId, name })
  )

/** The pairing error `effect` fails with (fails the test if it succeeded or failed otherwise). */
const pairingError = <A, E extends { readonly _tag: string }>(
  effect: Effect.Effect<A, E, DevicePairing | DeviceStore>
) =>
  Effect.map(Effect.flip(effect), (error) => {
    expect(error._tag).toBe("DeviceError")
    return error as unknown as DeviceError
  })

const storedRequest = (id: string) =>
  Effect.flatMap(Effect.service(DeviceStore), (store) => Effect.map(store.getPairingRequest(id), Option.getOrThrow))

describe("DevicePairing.requestPairing", () => {
  it("records a pending request that expires after ten minutes", async () => {
    const key = generateDeviceKey()
    const [request, pending] = await run(
      Effect.gen(function* () {
        const request = yield* requestFor(key)
        return [request, yield* (yield* pairing).listPending] as const
      })
    )
    expect(request).toMatchObject({
      deviceId: key.deviceId,
      publicKey: key.publicKey,
      principalId: "local:alice",
      name: "alice-laptop",
      requestedAt: T0,
      expiresAt: T0 + TEN_MINUTES,
      status: "pending"
    })
    expect(request.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(pending).toEqual([request])
  })

  it("returns the open request again when the same device asks again", async () => {
    const key = generateDeviceKey()
    const [first, second, pending] = await run(
      Effect.gen(function* () {
        const first = yield* requestFor(key)
        yield* TestClock.adjust("1 minute")
        const second = yield* requestFor(key)
        return [first, second, yield* (yield* pairing).listPending] as const
      })
    )
    expect(second.id).toBe(first.id)
    expect(pending).toHaveLength(1)
  })

  it("refuses a device id that is not derived from the key, or a key that is not one, as key_mismatch", async () => {
    const key = generateDeviceKey()
    const other = generateDeviceKey()
    const base = { principalId: "local:alice", name: "laptop" }
    const errors = await run(
      Effect.forEach(
        [
          { ...base, deviceId: other.deviceId, publicKey: key.publicKey },
          { ...base, deviceId: key.deviceId, publicKey: key.publicKey.slice(0, -4) },
          { ...base, deviceId: key.deviceId, publicKey: `${key.publicKey}=` }
        ],
        (input) => pairingError(Effect.flatMap(pairing, (service) => service.requestPairing(input)))
      )
    )
    expect(errors.map((error) => error.reason)).toEqual(["KeyMismatch", "KeyMismatch", "KeyMismatch"])
  })

  it("refuses empty, overlong and control-character names as invalid_name", async () => {
    const key = generateDeviceKey()
    const reasons = await run(
      Effect.forEach(["", "x".repeat(65), "laptop\u001b[2J", "a\nb"], (name) =>
        Effect.map(pairingError(requestFor(key, "local:alice", name)), (error) => error.reason)
      )
    )
    expect(reasons).toEqual(["InvalidName", "InvalidName", "InvalidName", "InvalidName"])
    const ok = await run(requestFor(key, "local:alice", "x".repeat(64)))
    expect(ok.status).toBe("pending")
  })

  it("refuses a device that is already paired, or revoked", async () => {
    const key = generateDeviceKey()
    const [paired, revoked] = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        yield* service.approve((yield* requestFor(key)).id, approver)
        const paired = yield* pairingError(requestFor(key, "local:bob"))
        yield* service.revoke(key.deviceId, approver)
        const revoked = yield* pairingError(requestFor(key))
        return [paired.reason, revoked.reason] as const
      })
    )
    expect(paired).toBe("AlreadyPaired")
    expect(revoked).toBe("Revoked")
  })
})

describe("DevicePairing.approve", () => {
  it("pairs the device to the requesting principal and closes the request", async () => {
    const key = generateDeviceKey()
    const { device, stored, request, pending } = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const { id } = yield* requestFor(key)
        yield* TestClock.adjust("2 minutes")
        const device = yield* service.approve(id, approver)
        return {
          device,
          stored: yield* service.get(key.deviceId),
          request: yield* storedRequest(id),
          pending: yield* service.listPending
        }
      })
    )
    expect(device).toEqual({
      deviceId: key.deviceId,
      publicKey: key.publicKey,
      principalId: "local:alice",
      name: "alice-laptop",
      status: "paired",
      pairedAt: T0 + 120_000,
      approvedBy: "local:ops"
    })
    expect(Option.getOrUndefined(stored)).toEqual(device)
    expect(request).toMatchObject({ status: "approved", decidedAt: T0 + 120_000, decidedBy: "local:ops" })
    expect(pending).toEqual([])
  })

  it("lets admin:all approve", async () => {
    const key = generateDeviceKey()
    const device = await run(
      Effect.gen(function* () {
        return yield* (yield* pairing).approve((yield* requestFor(key)).id, superuser)
      })
    )
    expect(device.approvedBy).toBe("local:root")
  })

  it("refuses an operator without device:approve as not_permitted and leaves the request pending", async () => {
    const key = generateDeviceKey()
    const { error, request, device } = await run(
      Effect.gen(function* () {
        const { id } = yield* requestFor(key)
        const error = yield* pairingError(Effect.flatMap(pairing, (service) => service.approve(id, bystander)))
        return {
          error,
          request: yield* storedRequest(id),
          device: yield* (yield* pairing).get(key.deviceId)
        }
      })
    )
    expect(error.reason).toBe("NotPermitted")
    expect(request.status).toBe("pending")
    expect(Option.isNone(device)).toBe(true)
  })

  it("refuses the device's own principal without the permission (no self-approval)", async () => {
    const key = generateDeviceKey()
    const alice: DeviceOperator = { principalId: "local:alice", permissions: new Set(["task:submit"]) }
    const error = await run(
      Effect.gen(function* () {
        const { id } = yield* requestFor(key)
        return yield* pairingError(Effect.flatMap(pairing, (service) => service.approve(id, alice)))
      })
    )
    expect(error.reason).toBe("NotPermitted")
  })

  it("refuses an expired request as expired; up to the expiry it can still be approved", async () => {
    const late = generateDeviceKey()
    const onTime = generateDeviceKey()
    const { error, approved, pending } = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const lateRequest = yield* requestFor(late)
        const onTimeRequest = yield* requestFor(onTime)
        yield* TestClock.adjust(TEN_MINUTES)
        const approved = yield* service.approve(onTimeRequest.id, approver)
        yield* TestClock.adjust(1)
        const error = yield* pairingError(service.approve(lateRequest.id, approver))
        return { error, approved, pending: yield* service.listPending }
      })
    )
    expect(approved.status).toBe("paired")
    expect(error.reason).toBe("Expired")
    expect(pending).toEqual([])
  })

  it("refuses a request decided before as already_decided, and an unknown one as not_found", async () => {
    const key = generateDeviceKey()
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const { id } = yield* requestFor(key)
        yield* service.approve(id, approver)
        const again = yield* pairingError(service.approve(id, superuser))
        const rejectAfter = yield* pairingError(service.reject(id, approver))
        const unknown = yield* pairingError(service.approve("no-such-request", approver))
        return [again.reason, rejectAfter.reason, unknown.reason]
      })
    )
    expect(reasons).toEqual(["AlreadyDecided", "AlreadyDecided", "NotFound"])
  })

  it("of two concurrent approvals of the same request, exactly one wins", async () => {
    const key = generateDeviceKey()
    const results = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const { id } = yield* requestFor(key)
        return yield* Effect.all(
          [Effect.result(service.approve(id, approver)), Effect.result(service.approve(id, superuser))],
          {
            concurrency: "unbounded"
          }
        )
      }),
      interleavingStore
    )
    const wins = results.filter((result) => result._tag === "Success")
    const losses = results.flatMap((result) => (result._tag === "Failure" ? [result.failure] : []))
    expect(wins).toHaveLength(1)
    expect(losses.map((error) => error.reason)).toEqual(["AlreadyDecided"])
  })

  it("of concurrent approvals of two principals' requests for one device, exactly one pairs it", async () => {
    const key = generateDeviceKey()
    const { results, device } = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const alice = yield* requestFor(key, "local:alice")
        const bob = yield* requestFor(key, "local:bob")
        const results = yield* Effect.all(
          [Effect.result(service.approve(alice.id, approver)), Effect.result(service.approve(bob.id, approver))],
          { concurrency: "unbounded" }
        )
        return { results, device: Option.getOrThrow(yield* service.get(key.deviceId)) }
      }),
      interleavingStore
    )
    const wins = results.flatMap((result) => (result._tag === "Success" ? [result.success] : []))
    const losses = results.flatMap((result) => (result._tag === "Failure" ? [result.failure] : []))
    expect(wins).toHaveLength(1)
    expect(device).toEqual(wins[0])
    expect(losses.map((error) => error.reason)).toEqual(["AlreadyPaired"])
  })

  it("pairs a device to one principal only: a second principal's request then fails already_paired", async () => {
    const key = generateDeviceKey()
    const { error, device } = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const alice = yield* requestFor(key, "local:alice")
        const bob = yield* requestFor(key, "local:bob")
        yield* service.approve(alice.id, approver)
        const error = yield* pairingError(service.approve(bob.id, approver))
        return { error, device: Option.getOrThrow(yield* service.get(key.deviceId)) }
      })
    )
    expect(error.reason).toBe("AlreadyPaired")
    expect(device.principalId).toBe("local:alice")
  })

  it("refuses to approve a request for a device revoked meanwhile", async () => {
    const key = generateDeviceKey()
    const error = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const alice = yield* requestFor(key, "local:alice")
        const bob = yield* requestFor(key, "local:bob")
        yield* service.approve(alice.id, approver)
        yield* service.revoke(key.deviceId, approver)
        return yield* pairingError(service.approve(bob.id, approver))
      })
    )
    expect(error.reason).toBe("Revoked")
  })
})

describe("DevicePairing.reject", () => {
  it("closes the request with the operator's reason and pairs nothing", async () => {
    const key = generateDeviceKey()
    const { rejected, stored, device } = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const { id } = yield* requestFor(key)
        const rejected = yield* service.reject(id, approver, "unknown machine")
        return { rejected, stored: yield* storedRequest(id), device: yield* service.get(key.deviceId) }
      })
    )
    expect(rejected).toMatchObject({ status: "rejected", decidedBy: "local:ops", reason: "unknown machine" })
    expect(stored).toEqual(rejected)
    expect(Option.isNone(device)).toBe(true)
  })

  it("needs the permission, a live request, and only decides once", async () => {
    const key = generateDeviceKey()
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const first = yield* requestFor(key, "local:alice")
        const second = yield* requestFor(key, "local:bob")
        const denied = yield* pairingError(service.reject(first.id, bystander))
        yield* service.reject(first.id, approver)
        const twice = yield* pairingError(service.approve(first.id, approver))
        yield* TestClock.adjust(TEN_MINUTES + 1)
        const expired = yield* pairingError(service.reject(second.id, approver))
        return [denied.reason, twice.reason, expired.reason]
      })
    )
    expect(reasons).toEqual(["NotPermitted", "AlreadyDecided", "Expired"])
  })
})

describe("DevicePairing.revoke", () => {
  const paired = (key: DeviceKey) =>
    Effect.gen(function* () {
      return yield* (yield* pairing).approve((yield* requestFor(key)).id, approver)
    })

  it("lets an operator revoke a device, once", async () => {
    const key = generateDeviceKey()
    const [revoked, again, listed] = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        yield* paired(key)
        yield* TestClock.adjust("1 hour")
        const revoked = yield* service.revoke(key.deviceId, superuser)
        yield* TestClock.adjust("1 hour")
        const again = yield* service.revoke(key.deviceId, approver)
        return [revoked, again, yield* service.list({ principalId: "local:alice" })] as const
      })
    )
    expect(revoked).toMatchObject({ status: "revoked", revokedAt: T0 + 3_600_000, revokedBy: "local:root" })
    expect(again).toEqual(revoked)
    expect(listed).toEqual([revoked])
  })

  it("lets the owner revoke their own device without the permission, but nobody else's", async () => {
    const mine = generateDeviceKey()
    const theirs = generateDeviceKey()
    const alice: DeviceOperator = { principalId: "local:alice", permissions: new Set() }
    const { revoked, error, untouched } = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        yield* paired(mine)
        yield* service.approve((yield* requestFor(theirs, "local:bob", "bob-phone")).id, approver)
        const revoked = yield* service.revoke(mine.deviceId, alice)
        const error = yield* pairingError(service.revoke(theirs.deviceId, alice))
        return { revoked, error, untouched: Option.getOrThrow(yield* service.get(theirs.deviceId)) }
      })
    )
    expect(revoked).toMatchObject({ status: "revoked", revokedBy: "local:alice" })
    expect(error.reason).toBe("NotPermitted")
    expect(untouched.status).toBe("paired")
  })

  it("answers not_found for an unknown device, and not_permitted first to non-operators", async () => {
    const reasons = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const unknown = yield* pairingError(service.revoke("dev_unknown", approver))
        const hidden = yield* pairingError(service.revoke("dev_unknown", bystander))
        return [unknown.reason, hidden.reason]
      })
    )
    expect(reasons).toEqual(["NotFound", "NotPermitted"])
  })
})

describe("DevicePairing.pruneExpired", () => {
  it("deletes expired requests and keeps live ones", async () => {
    const old = generateDeviceKey()
    const fresh = generateDeviceKey()
    const { deleted, pending, oldRequest } = await run(
      Effect.gen(function* () {
        const service = yield* pairing
        const store = yield* DeviceStore
        const first = yield* requestFor(old)
        yield* TestClock.adjust("9 minutes")
        yield* requestFor(fresh)
        yield* TestClock.adjust("2 minutes")
        const deleted = yield* service.pruneExpired
        return {
          deleted,
          pending: yield* service.listPending,
          oldRequest: yield* store.getPairingRequest(first.id)
        }
      })
    )
    expect(deleted).toBe(1)
    expect(pending.map((request) => request.deviceId)).toEqual([fresh.deviceId])
    expect(Option.isNone(oldRequest)).toBe(true)
  })
})
