import type { AgentDescriptor, WorkerDispatchNotification } from "@coderclaw/protocol"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import {
  Authorizer,
  defaultLeaseTiming,
  defineAgent,
  InMemoryJournal,
  Runtime,
  type RuntimeShape,
  type WorkerHubShape,
  type WorkerLink
} from "../src/index.js"
import { alice } from "./support/harness.js"

const remoteDescriptor: AgentDescriptor = {
  id: "remote-echo",
  name: "Remote echo",
  description: "echoes on a worker",
  capabilities: [],
  skills: []
}
const local = defineAgent({ id: "local", name: "Local", run: (input) => Effect.succeed(input) })

/** A worker's connection as the hub sees it: what it was told to run and to stop. */
const recordingLink = (connectionId: string) => {
  const dispatched: Array<WorkerDispatchNotification> = []
  const aborted: Array<string> = []
  const link: WorkerLink = {
    connectionId,
    dispatch: (notification) => dispatched.push(notification),
    abort: (leaseId) => aborted.push(leaseId)
  }
  return { link, dispatched, aborted }
}

const register = (hub: WorkerHubShape, connectionId: string, concurrency = 1) =>
  Effect.gen(function* () {
    const recorded = recordingLink(connectionId)
    const result = yield* hub.register(
      alice,
      { name: connectionId, agents: [{ descriptor: remoteDescriptor, version: "1.0.0" }], skills: [], concurrency },
      recorded.link
    )
    return { ...recorded, result }
  })

/** Lets the runtime's fibers run until `done` holds (virtual time does not move). */
const settle = (done: () => boolean) =>
  Effect.gen(function* () {
    for (let turn = 0; turn < 200 && !done(); turn++) yield* Effect.yieldNow
    expect(done()).toBe(true)
  })

/** Lets the runtime's fibers take `count` turns. */
const turns = (count: number) => Effect.repeat(Effect.yieldNow, { times: count - 1 })

/** `count` heartbeats of `workerId` for `leaseId`, one interval apart; answers the leases reported lost. */
const heartbeats = (hub: WorkerHubShape, workerId: string, leaseId: string, count: number) =>
  Effect.gen(function* () {
    const lost: Array<string> = []
    for (let beat = 0; beat < count; beat++) {
      yield* TestClock.adjust(defaultLeaseTiming.heartbeatIntervalMs)
      lost.push(...(yield* hub.heartbeat(workerId, [leaseId])).lost)
    }
    return lost
  })

const inRuntime = <A, E>(body: (runtime: RuntimeShape, hub: WorkerHubShape) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const runtime = yield* Runtime
        const hub = runtime.workers
        if (hub === undefined) throw new Error("the runtime has no worker hub")
        return yield* body(runtime, hub)
      })
    ).pipe(
      Effect.provide(
        Layer.provideMerge(
          Runtime.layer({ agents: [local], defaultMaxAttempts: 3, shutdownGraceMs: 0 }),
          Layer.mergeAll(InMemoryJournal.layer, Authorizer.permissive)
        )
      ),
      Effect.provide(TestClock.layer())
    )
  )

const statusOf = (runtime: RuntimeShape, taskId: string) =>
  Effect.map(runtime.get(alice, taskId), (task) => task.status)

describe("WorkerHub (virtual time)", () => {
  it("re-runs a dead worker's attempt as attempt + 1 from its checkpoint, without using the retry budget, and fences the dead lease", () =>
    inRuntime((runtime, hub) =>
      Effect.gen(function* () {
        const first = yield* register(hub, "a")
        expect(first.result.accepted).toEqual(["remote-echo"])
        const task = yield* runtime.submit(alice, { agentId: "remote-echo", description: "remote", input: { n: 1 } })
        yield* settle(() => first.dispatched.length === 1)
        const lease = first.dispatched[0]
        expect(lease).toMatchObject({ taskId: task.id, attempt: 1, input: { n: 1 } })
        if (lease === undefined) return
        yield* hub.report("worker-a", lease.leaseId, { type: "checkpoint", data: { step: 1 } })

        // Heartbeats keep the lease: two lease lifetimes pass with heartbeats, and nothing is lost.
        const lost = yield* heartbeats(hub, "worker-a", lease.leaseId, 8)
        expect(lost).toEqual([])
        expect(first.aborted).toEqual([])

        // The worker goes silent: after the lease's lifetime (plus one sweep) the lease is lost.
        yield* TestClock.adjust(defaultLeaseTiming.leaseTtlMs + defaultLeaseTiming.sweepIntervalMs)
        expect(first.aborted).toEqual([lease.leaseId])
        expect(yield* statusOf(runtime, task.id)).toBe("running")

        // Fencing: what the dead lease sends later is refused and never applied.
        const late = yield* Effect.flip(hub.report("worker-a", lease.leaseId, { type: "progress", percent: 99 }))
        expect(late).toMatchObject({ _tag: "LeaseLost", reason: "expired" })
        const lateEnd = yield* Effect.flip(hub.end("worker-a", lease.leaseId, { type: "completed", result: "stale" }))
        expect(lateEnd._tag).toBe("LeaseLost")

        // Another worker joins: the attempt runs there as attempt 2, from the checkpoint.
        const second = yield* register(hub, "b")
        yield* settle(() => second.dispatched.length === 1)
        const retry = second.dispatched[0]
        expect(retry).toMatchObject({ taskId: task.id, attempt: 2, maxAttempts: 4, checkpoint: { step: 1 } })
        if (retry === undefined) return
        yield* hub.end("worker-b", retry.leaseId, { type: "completed", result: { done: true } })
        yield* turns(50)
        const finished = yield* runtime.get(alice, task.id)
        expect(finished).toMatchObject({ status: "completed", result: { done: true }, attempt: 2, maxAttempts: 4 })
      })
    ))

  it("keeps a registered agent's tasks pending while no worker is online, and shows the queue", () =>
    inRuntime((runtime, hub) =>
      Effect.gen(function* () {
        const first = yield* register(hub, "a")
        yield* hub.disconnect(first.result.workerId)
        const task = yield* runtime.submit(alice, { agentId: "remote-echo", description: "remote", input: 1 })
        yield* turns(50)
        expect(yield* statusOf(runtime, task.id)).toBe("pending")
        const agents = yield* runtime.listAgents(alice)
        expect(agents.find((agent) => agent.id === "remote-echo")?.hosting).toEqual({
          inProcess: false,
          workers: [],
          queued: 1
        })
        // An agent of the server's process is listed as registered, without `hosting`.
        expect(agents.find((agent) => agent.id === "local")).toEqual(local.descriptor)
        const second = yield* register(hub, "b")
        yield* settle(() => second.dispatched.length === 1)
        expect(yield* statusOf(runtime, task.id)).toBe("running")
      })
    ))

  it("spreads attempts over workers within each one's concurrency", () =>
    inRuntime((runtime, hub) =>
      Effect.gen(function* () {
        const one = yield* register(hub, "a", 2)
        const two = yield* register(hub, "b", 2)
        for (let n = 0; n < 6; n++)
          yield* runtime.submit(alice, { agentId: "remote-echo", description: "remote", input: n })
        yield* settle(() => one.dispatched.length + two.dispatched.length === 4)
        expect([one.dispatched.length, two.dispatched.length]).toEqual([2, 2])
        const tasks = yield* runtime.list(alice, { status: ["pending"] })
        expect(tasks.items).toHaveLength(2)
      })
    ))

  it("tells the worker to abort when the task is cancelled, and refuses the attempt's later end", () =>
    inRuntime((runtime, hub) =>
      Effect.gen(function* () {
        const worker = yield* register(hub, "a")
        const task = yield* runtime.submit(alice, { agentId: "remote-echo", description: "remote", input: 1 })
        yield* settle(() => worker.dispatched.length === 1)
        const lease = worker.dispatched[0]
        if (lease === undefined) return
        yield* runtime.cancel(alice, task.id, "no longer needed")
        yield* settle(() => worker.aborted.length === 1)
        expect(worker.aborted).toEqual([lease.leaseId])
        const refused = yield* Effect.flip(hub.end("worker-a", lease.leaseId, { type: "completed", result: 1 }))
        expect(refused).toMatchObject({ _tag: "LeaseLost", reason: "aborted" })
        expect(yield* statusOf(runtime, task.id)).toBe("cancelled")
      })
    ))

  it("refuses to let a worker shadow an agent of the server's process", () =>
    inRuntime((_runtime, hub) =>
      Effect.gen(function* () {
        const { link } = recordingLink("a")
        const result = yield* hub.register(
          alice,
          {
            name: "a",
            agents: [{ descriptor: { ...remoteDescriptor, id: "local" }, version: "1" }],
            skills: [],
            concurrency: 1
          },
          link
        )
        expect(result.accepted).toEqual([])
        expect(result.refused).toEqual([
          { agentId: "local", reason: "an agent of this id runs in the server's process" }
        ])
      })
    ))
})
