import type { DevicePairingDecision, DeviceStoreShape } from "@coderclaw/security"
import { Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { aDevice, aPairingRequest, type OpenStore, withStore } from "./storeHarness.js"

/** An approval of `requestId` pairing `deviceId` to `principalId`. */
const approve = (requestId: string, deviceId: string, by = "local:admin", at = 2_000): DevicePairingDecision => ({
  requestId,
  status: "approved",
  decidedAt: at,
  decidedBy: by,
  device: aDevice(deviceId, "local:alice", { pairedAt: at, approvedBy: by })
})

/** A rejection of `requestId`. */
const reject = (requestId: string, reason?: string, by = "local:admin"): DevicePairingDecision => ({
  requestId,
  status: "rejected",
  decidedAt: 2_000,
  decidedBy: by,
  ...(reason === undefined ? {} : { reason })
})

/** The `DeviceStore` behaviour every implementation must show, as the in-memory store defines it. */
export const deviceStoreBehaviour = (name: string, open: OpenStore<DeviceStoreShape>) =>
  describe(`DeviceStore behaviour: ${name}`, () => {
    const run = <A, E>(use: (store: DeviceStoreShape) => Effect.Effect<A, E>) => withStore(open, use)

    it("stores, replaces and reads devices exactly as given; none for an unknown id", async () => {
      const paired = aDevice("dev_1", "local:alice")
      const revoked = { ...paired, status: "revoked" as const, revokedAt: 3_000, revokedBy: "local:alice" }
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.putDevice(paired)
          const before = yield* store.getDevice("dev_1")
          yield* store.putDevice(revoked)
          return { before, after: yield* store.getDevice("dev_1"), unknown: yield* store.getDevice("dev_404") }
        })
      )
      expect(outcome.before).toEqual(Option.some(paired))
      expect(Object.keys(Option.getOrThrow(outcome.before))).not.toContain("revokedAt")
      expect(outcome.after).toEqual(Option.some(revoked))
      expect(outcome.unknown).toEqual(Option.none())
    })

    it("lists devices oldest pairing first (first-stored first within one millisecond), filtered by principal", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.putDevice(aDevice("dev_c", "local:alice", { pairedAt: 3_000 }))
          yield* store.putDevice(aDevice("dev_z", "local:alice", { pairedAt: 1_000 }))
          yield* store.putDevice(aDevice("dev_b", "local:bob", { pairedAt: 2_000 }))
          yield* store.putDevice(aDevice("dev_a", "local:alice", { pairedAt: 1_000 }))
          // Replacing a device keeps its place.
          yield* store.putDevice(aDevice("dev_z", "local:alice", { pairedAt: 1_000, name: "renamed" }))
          return {
            all: yield* store.listDevices({}),
            alice: yield* store.listDevices({ principalId: "local:alice" }),
            nobody: yield* store.listDevices({ principalId: "local:nobody" })
          }
        })
      )
      expect(outcome.all.map((device) => device.deviceId)).toEqual(["dev_z", "dev_a", "dev_b", "dev_c"])
      expect(outcome.alice.map((device) => device.deviceId)).toEqual(["dev_z", "dev_a", "dev_c"])
      expect(outcome.alice[0]?.name).toBe("renamed")
      expect(outcome.nobody).toEqual([])
    })

    it("stores pairing requests and lists them by requestedAt then id, filtered by status and device", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insertPairingRequest(aPairingRequest("r-b", "dev_1", { requestedAt: 2_000 }))
          yield* store.insertPairingRequest(aPairingRequest("r-c", "dev_2", { requestedAt: 1_000 }))
          yield* store.insertPairingRequest(aPairingRequest("r-a", "dev_1", { requestedAt: 2_000 }))
          yield* store.insertPairingRequest(
            aPairingRequest("r-d", "dev_1", {
              requestedAt: 500,
              status: "rejected",
              decidedAt: 600,
              decidedBy: "local:admin",
              reason: "unknown laptop"
            })
          )
          const ids = (filter: Parameters<DeviceStoreShape["listPairingRequests"]>[0]) =>
            Effect.map(store.listPairingRequests(filter), (requests) => requests.map((request) => request.id))
          return {
            all: yield* ids({}),
            pending: yield* ids({ status: "pending" }),
            dev1: yield* ids({ deviceId: "dev_1" }),
            dev1Pending: yield* ids({ status: "pending", deviceId: "dev_1" }),
            approved: yield* ids({ status: "approved" }),
            rejected: yield* store.getPairingRequest("r-d"),
            unknown: yield* store.getPairingRequest("r-404")
          }
        })
      )
      expect(outcome.all).toEqual(["r-d", "r-c", "r-a", "r-b"])
      expect(outcome.pending).toEqual(["r-c", "r-a", "r-b"])
      expect(outcome.dev1).toEqual(["r-d", "r-a", "r-b"])
      expect(outcome.dev1Pending).toEqual(["r-a", "r-b"])
      expect(outcome.approved).toEqual([])
      expect(Option.getOrThrow(outcome.rejected)).toMatchObject({ status: "rejected", reason: "unknown laptop" })
      expect(outcome.unknown).toEqual(Option.none())
    })

    it("an approval marks the request decided and stores the device, in one step", async () => {
      const request = aPairingRequest("r-1", "dev_1")
      const decision = approve("r-1", "dev_1", "local:op", 2_500)
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insertPairingRequest(request)
          const decided = yield* store.decidePairingRequest(decision)
          return { decided, request: yield* store.getPairingRequest("r-1"), device: yield* store.getDevice("dev_1") }
        })
      )
      expect(outcome.decided).toBe("decided")
      expect(outcome.request).toEqual(
        Option.some({ ...request, status: "approved", decidedAt: 2_500, decidedBy: "local:op" })
      )
      expect(Object.keys(Option.getOrThrow(outcome.request))).not.toContain("reason")
      expect(outcome.device).toEqual(Option.some(decision.status === "approved" ? decision.device : undefined))
    })

    it("a rejection records the reason when there is one, and stores no device", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insertPairingRequest(aPairingRequest("r-1", "dev_1"))
          yield* store.insertPairingRequest(aPairingRequest("r-2", "dev_2"))
          const withReason = yield* store.decidePairingRequest(reject("r-1", "not ours"))
          const without = yield* store.decidePairingRequest(reject("r-2"))
          return {
            withReason,
            without,
            first: yield* store.getPairingRequest("r-1"),
            second: yield* store.getPairingRequest("r-2"),
            devices: yield* store.listDevices({})
          }
        })
      )
      expect([outcome.withReason, outcome.without]).toEqual(["decided", "decided"])
      expect(Option.getOrThrow(outcome.first)).toMatchObject({
        status: "rejected",
        reason: "not ours",
        decidedAt: 2_000,
        decidedBy: "local:admin"
      })
      expect(Option.getOrThrow(outcome.second).status).toBe("rejected")
      expect(Object.keys(Option.getOrThrow(outcome.second))).not.toContain("reason")
      expect(outcome.devices).toEqual([])
    })

    it("decides a request once: a second decision, either way, is not_pending and changes nothing", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insertPairingRequest(aPairingRequest("r-1", "dev_1"))
          // Both operators decide at once: exactly one wins.
          const [first, second] = yield* Effect.all(
            [
              store.decidePairingRequest(approve("r-1", "dev_1", "local:op-1")),
              store.decidePairingRequest(reject("r-1", "too late", "local:op-2"))
            ],
            { concurrency: "unbounded" }
          )
          const again = yield* store.decidePairingRequest(approve("r-1", "dev_1", "local:op-3"))
          const unknown = yield* store.decidePairingRequest(approve("r-404", "dev_9"))
          return {
            outcomes: [first, second, again, unknown],
            request: yield* store.getPairingRequest("r-1"),
            devices: yield* store.listDevices({})
          }
        })
      )
      expect(outcome.outcomes).toEqual(["decided", "not_pending", "not_pending", "not_pending"])
      expect(Option.getOrThrow(outcome.request)).toMatchObject({ status: "approved", decidedBy: "local:op-1" })
      expect(outcome.devices.map((device) => [device.deviceId, device.approvedBy])).toEqual([["dev_1", "local:op-1"]])
    })

    it("refuses an approval for a device that has a row (paired or revoked): device_exists, request left pending", async () => {
      const existing = aDevice("dev_1", "local:alice", {
        status: "revoked",
        revokedAt: 1_500,
        revokedBy: "local:admin"
      })
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.putDevice(existing)
          yield* store.insertPairingRequest(aPairingRequest("r-1", "dev_1"))
          const approved = yield* store.decidePairingRequest(approve("r-1", "dev_1"))
          const request = yield* store.getPairingRequest("r-1")
          // It can still be rejected afterwards.
          const rejected = yield* store.decidePairingRequest(reject("r-1", "revoked key"))
          return { approved, request, rejected, device: yield* store.getDevice("dev_1") }
        })
      )
      expect(outcome.approved).toBe("device_exists")
      expect(Option.getOrThrow(outcome.request).status).toBe("pending")
      expect(Object.keys(Option.getOrThrow(outcome.request))).not.toContain("decidedAt")
      expect(outcome.rejected).toBe("decided")
      expect(outcome.device).toEqual(Option.some(existing))
    })

    it("two requests for one device: the first approval pairs it, the second is device_exists", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insertPairingRequest(aPairingRequest("r-1", "dev_1"))
          yield* store.insertPairingRequest(aPairingRequest("r-2", "dev_1", { principalId: "local:mallory" }))
          const first = yield* store.decidePairingRequest(approve("r-1", "dev_1", "local:op-1"))
          const second = yield* store.decidePairingRequest(approve("r-2", "dev_1", "local:op-2"))
          return {
            first,
            second,
            device: yield* store.getDevice("dev_1"),
            pending: yield* store.listPairingRequests({ status: "pending" })
          }
        })
      )
      expect([outcome.first, outcome.second]).toEqual(["decided", "device_exists"])
      expect(Option.getOrThrow(outcome.device).approvedBy).toBe("local:op-1")
      expect(outcome.pending.map((request) => request.id)).toEqual(["r-2"])
    })

    it("deletes requests expiring strictly before the time, decided or not, and counts them", async () => {
      const outcome = await run((store) =>
        Effect.gen(function* () {
          yield* store.insertPairingRequest(aPairingRequest("r-old", "dev_1", { expiresAt: 3_000 }))
          yield* store.insertPairingRequest(
            aPairingRequest("r-decided", "dev_2", {
              expiresAt: 3_999,
              status: "approved",
              decidedAt: 2_000,
              decidedBy: "local:admin"
            })
          )
          yield* store.insertPairingRequest(aPairingRequest("r-edge", "dev_3", { expiresAt: 4_000 }))
          yield* store.insertPairingRequest(aPairingRequest("r-new", "dev_4", { expiresAt: 9_000 }))
          const deleted = yield* store.deletePairingRequestsExpiredBefore(4_000)
          const again = yield* store.deletePairingRequestsExpiredBefore(4_000)
          return { deleted, again, left: yield* store.listPairingRequests({}) }
        })
      )
      expect({ deleted: outcome.deleted, again: outcome.again }).toEqual({ deleted: 2, again: 0 })
      expect(outcome.left.map((request) => request.id)).toEqual(["r-edge", "r-new"])
    })
  })
