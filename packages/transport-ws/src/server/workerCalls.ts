import {
  Forbidden,
  type Principal,
  type RuntimeError,
  Unavailable,
  type WorkerAskInputParams,
  type WorkerAuthorizePathsParams,
  type WorkerAuthorizeSkillParams,
  type WorkerAwaitChildrenParams,
  type WorkerEndParams,
  type WorkerHeartbeatParams,
  type WorkerRegisterParams,
  type WorkerReportParams,
  type WorkerSpawnParams
} from "@coderclaw/protocol"
import type { RuntimeShape, SkillError, WorkerHubShape, WorkerLink } from "@coderclaw/runtime"
import { Effect } from "effect"

/** What a worker call needs of its connection: the runtime's hub, the registered worker id, the link. */
export interface WorkerSide {
  readonly runtime: RuntimeShape
  readonly principal: Principal
  /** The worker id once `worker.register` succeeded on this connection. */
  workerId: string | undefined
  readonly link: WorkerLink
}

const ok = { ok: true } as const

/** A refused skill call, as the wire's `FORBIDDEN` naming why. */
const skillRefused = (error: SkillError): Forbidden =>
  new Forbidden({
    action: "skill:execute",
    resource: `skill/${error.skillId}`,
    reasons: [`${error.reason}: ${error.detail}`]
  })

const hubOf = (side: WorkerSide): Effect.Effect<WorkerHubShape, Unavailable> =>
  side.runtime.workers === undefined
    ? Effect.fail(new Unavailable({ reason: "this server does not host agents on workers" }))
    : Effect.succeed(side.runtime.workers)

/** The worker id of a connection that registered, or why a lease call is refused before it. */
const registered = (side: WorkerSide): Effect.Effect<{ hub: WorkerHubShape; workerId: string }, RuntimeError> =>
  Effect.flatMap(hubOf(side), (hub) =>
    side.workerId === undefined
      ? Effect.fail(new Unavailable({ reason: "call worker.register on this connection first" }))
      : Effect.succeed({ hub, workerId: side.workerId })
  )

type Handler<P> = (side: WorkerSide, params: P) => Effect.Effect<unknown, RuntimeError>

/** The `worker.*` methods and the hub call each one makes for its connection. */
export const workerCalls = {
  "worker.register": ((side, params) =>
    Effect.gen(function* () {
      const hub = yield* hubOf(side)
      const result = yield* hub.register(side.principal, params, side.link)
      side.workerId = result.workerId
      return result
    })) satisfies Handler<typeof WorkerRegisterParams.Type>,
  "worker.heartbeat": ((side, { leases }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) => hub.heartbeat(workerId, leases))) satisfies Handler<
    typeof WorkerHeartbeatParams.Type
  >,
  "worker.report": ((side, { leaseId, report }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) =>
      Effect.as(hub.report(workerId, leaseId, report), ok)
    )) satisfies Handler<typeof WorkerReportParams.Type>,
  "worker.askInput": ((side, { leaseId, prompt, schema }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) =>
      Effect.map(hub.askInput(workerId, leaseId, prompt, schema), (answer) => ({ answer }))
    )) satisfies Handler<typeof WorkerAskInputParams.Type>,
  "worker.spawn": ((side, { leaseId, request }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) =>
      Effect.map(hub.spawn(workerId, leaseId, request), (taskId) => ({ taskId }))
    )) satisfies Handler<typeof WorkerSpawnParams.Type>,
  "worker.awaitChildren": ((side, { leaseId, childIds, until }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) =>
      Effect.map(hub.awaitChildren(workerId, leaseId, childIds, until ?? "all"), (children) => ({ children }))
    )) satisfies Handler<typeof WorkerAwaitChildrenParams.Type>,
  "worker.authorizeSkill": ((side, { leaseId, skillId, input, scope }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) =>
      hub.authorizeSkill(workerId, leaseId, skillId, input, scope).pipe(
        Effect.catchTag("SkillError", (error) => Effect.fail(skillRefused(error))),
        Effect.as(ok)
      )
    )) satisfies Handler<typeof WorkerAuthorizeSkillParams.Type>,
  "worker.authorizePaths": ((side, { leaseId, skillId, scope, paths }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) =>
      hub.authorizePaths(workerId, leaseId, skillId, scope, paths).pipe(
        Effect.catchTag("SkillError", (error) => Effect.fail(skillRefused(error))),
        Effect.map((refused) => ({ refused }))
      )
    )) satisfies Handler<typeof WorkerAuthorizePathsParams.Type>,
  "worker.end": ((side, { leaseId, end }) =>
    Effect.flatMap(registered(side), ({ hub, workerId }) =>
      Effect.as(hub.end(workerId, leaseId, end), ok)
    )) satisfies Handler<typeof WorkerEndParams.Type>,
  "worker.list": ((side) => Effect.map(hubOf(side), (hub) => hub.list())) satisfies Handler<unknown>
} as const

/** A method answered by `workerCalls`. */
export type WorkerCallMethod = keyof typeof workerCalls

/** Whether `method` is answered by `workerCalls`. */
export const isWorkerCallMethod = (method: string): method is WorkerCallMethod => Object.hasOwn(workerCalls, method)
