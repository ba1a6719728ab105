import { Schema } from "effect"
import { AgentDescriptor } from "../AgentDescriptor.js"
import { AgentId, SkillId } from "../Ids.js"
import { BoundedString, JsonValue, Message, NonNegativeInt, PositiveInt } from "../Primitives.js"
import { Principal } from "../Principal.js"
import { SkillDescriptor } from "../SkillDescriptor.js"
import { LogLevel } from "../TaskEvent.js"
import { TaskRecord } from "../TaskRecord.js"

// The messages of remote workers. A worker is an authenticated client that registers the agents and skills
// it hosts (`worker.register`), is handed attempts as leases (`worker.dispatch` notifications), renews them
// (`worker.heartbeat`) and speaks for its attempts with the `worker.*` calls below, each naming its lease:
// a call under a lease the server no longer honours is refused with `LEASE_LOST` and changes nothing.

/** A version string of an agent or skill as its module declares it, e.g. `1.4.0`. */
export const HostedVersion = BoundedString(64)

/** One agent a worker offers to host, with the version of the module it comes from. */
export const HostedAgent = Schema.Struct({
  descriptor: AgentDescriptor,
  version: HostedVersion
})
export type HostedAgent = typeof HostedAgent.Type

/** One skill a worker runs for its own agents, with its version. */
export const HostedSkill = Schema.Struct({
  descriptor: SkillDescriptor,
  version: HostedVersion
})
export type HostedSkill = typeof HostedSkill.Type

/** Free-form labels of a worker (`repo`, `os`, …), matched against a task's `metadata` labels. */
export const WorkerLabels = Schema.Record(BoundedString(64), BoundedString(256))

/** `worker.register`: the agents and skills this connection hosts, how many attempts it runs at once. */
export const WorkerRegisterParams = Schema.Struct({
  name: BoundedString(128),
  agents: Schema.Array(HostedAgent),
  skills: Schema.Array(HostedSkill),
  concurrency: PositiveInt,
  labels: Schema.optionalKey(WorkerLabels)
})
export type WorkerRegisterParams = typeof WorkerRegisterParams.Type

/** One agent id the server refused to let this worker host, and why (policy, a built-in of that id). */
export const RefusedRegistration = Schema.Struct({ agentId: Schema.String, reason: Message })
export type RefusedRegistration = typeof RefusedRegistration.Type

/** `worker.register`'s result: the worker's id, the lease timing it must keep, and any refused agent. */
export const WorkerRegisterResult = Schema.Struct({
  workerId: BoundedString(128),
  /** A lease not renewed for this long is lost and its attempt re-dispatched elsewhere. */
  leaseTtlMs: PositiveInt,
  /** How often to send `worker.heartbeat` (a third of the lease or less). */
  heartbeatIntervalMs: PositiveInt,
  accepted: Schema.Array(AgentId),
  refused: Schema.Array(RefusedRegistration)
})
export type WorkerRegisterResult = typeof WorkerRegisterResult.Type

/** A lease's fencing token: unique per dispatched attempt, never reused. */
export const LeaseId = BoundedString(128)

/** `worker.heartbeat`: renews every lease the worker still runs. */
export const WorkerHeartbeatParams = Schema.Struct({ leases: Schema.Array(LeaseId) })

/** `worker.heartbeat`'s result: the leases of the request that are no longer honoured (abort them). */
export const WorkerHeartbeatResult = Schema.Struct({ lost: Schema.Array(LeaseId) })

/** Server → worker: run one attempt of a task under a lease. */
export const WorkerDispatchNotification = Schema.Struct({
  leaseId: LeaseId,
  taskId: Schema.String,
  agentId: AgentId,
  attempt: PositiveInt,
  maxAttempts: PositiveInt,
  input: JsonValue,
  checkpoint: Schema.optionalKey(JsonValue),
  owner: Principal,
  leaseTtlMs: PositiveInt
})
export type WorkerDispatchNotification = typeof WorkerDispatchNotification.Type

/** Server → worker: stop the attempt of this lease (cancelled, timed out, lease lost). */
export const WorkerAbortNotification = Schema.Struct({ leaseId: LeaseId, reason: Message })
export type WorkerAbortNotification = typeof WorkerAbortNotification.Type

const ReportProgress = Schema.Struct({
  type: Schema.Literal("progress"),
  percent: Schema.Number,
  message: Schema.optionalKey(Message)
})
const ReportOutput = Schema.Struct({
  type: Schema.Literal("output"),
  name: BoundedString(256),
  value: JsonValue,
  mimeType: Schema.optionalKey(BoundedString(128))
})
const ReportArtifact = Schema.Struct({
  type: Schema.Literal("artifact"),
  name: BoundedString(256),
  uri: BoundedString(4096),
  mimeType: Schema.optionalKey(BoundedString(128)),
  bytes: Schema.optionalKey(NonNegativeInt),
  sha256: Schema.optionalKey(BoundedString(64))
})
const ReportLog = Schema.Struct({
  type: Schema.Literal("log"),
  level: LogLevel,
  message: Message
})
const ReportCheckpoint = Schema.Struct({ type: Schema.Literal("checkpoint"), data: JsonValue })

/** What an attempt reports without waiting for an answer: the `AgentContext` calls of the same names. */
export const AttemptReport = Schema.Union([ReportProgress, ReportOutput, ReportArtifact, ReportLog, ReportCheckpoint])
export type AttemptReport = typeof AttemptReport.Type

/** `worker.report`: one report of the attempt under `leaseId`. */
export const WorkerReportParams = Schema.Struct({ leaseId: LeaseId, report: AttemptReport })

/** `worker.askInput`: the attempt asks its caller; answered when the task is resumed with the answer. */
export const WorkerAskInputParams = Schema.Struct({
  leaseId: LeaseId,
  prompt: Message,
  schema: Schema.optionalKey(JsonValue)
})

/** `worker.spawn`: starts a child task; `request` is a `SubmitRequest` without session or parent. */
export const WorkerSpawnParams = Schema.Struct({ leaseId: LeaseId, request: Schema.Unknown })

/** `worker.awaitChildren`: waits until the children have ended (`all`) or one has (`any`). */
export const WorkerAwaitChildrenParams = Schema.Struct({
  leaseId: LeaseId,
  childIds: Schema.optionalKey(Schema.Array(Schema.String)),
  until: Schema.optionalKey(Schema.Literals(["all", "any"]))
})

/** Where a skill call acts, as `SkillScope`. */
export const WireSkillScope = Schema.Struct({
  repository: Schema.optionalKey(BoundedString(512)),
  paths: Schema.optionalKey(Schema.Array(BoundedString(4096))),
  branch: Schema.optionalKey(BoundedString(256))
})

/**
 * `worker.authorizeSkill`: asks the server to decide a skill call of the attempt (policy, approval with
 * separation of duties, audit). Answered once it may run; the worker then runs the skill itself.
 */
export const WorkerAuthorizeSkillParams = Schema.Struct({
  leaseId: LeaseId,
  skillId: SkillId,
  input: JsonValue,
  scope: Schema.optionalKey(WireSkillScope)
})

/** `worker.authorizePaths`: of these paths a running skill reaches, the ones the call may not touch. */
export const WorkerAuthorizePathsParams = Schema.Struct({
  leaseId: LeaseId,
  skillId: SkillId,
  scope: Schema.optionalKey(WireSkillScope),
  paths: Schema.Array(BoundedString(4096))
})

/** `worker.authorizePaths`'s result. */
export const WorkerAuthorizePathsResult = Schema.Struct({ refused: Schema.Array(Schema.String) })

/** How an attempt ended on the worker. */
export const AttemptEnd = Schema.Union([
  Schema.Struct({ type: Schema.Literal("completed"), result: JsonValue }),
  Schema.Struct({
    type: Schema.Literal("failed"),
    code: BoundedString(64),
    message: Message,
    /** `false` when the agent marked the failure final (no retry). */
    retryable: Schema.optionalKey(Schema.Boolean)
  })
])
export type AttemptEnd = typeof AttemptEnd.Type

/** `worker.end`: the attempt under `leaseId` ended; the lease is released. */
export const WorkerEndParams = Schema.Struct({ leaseId: LeaseId, end: AttemptEnd })

/** The answer of calls that only acknowledge. */
export const WorkerAck = Schema.Struct({ ok: Schema.Literal(true) })

/** `worker.askInput`'s result. */
export const WorkerAnswerResult = Schema.Struct({ answer: JsonValue })

/** `worker.spawn`'s result. */
export const WorkerSpawnResult = Schema.Struct({ taskId: Schema.String })

/** `worker.awaitChildren`'s result. */
export const WorkerChildrenResult = Schema.Struct({ children: Schema.Array(TaskRecord) })

/** One connected worker as `worker.list` shows it. */
export const WorkerInfo = Schema.Struct({
  workerId: Schema.String,
  name: Schema.String,
  principalId: Schema.String,
  deviceId: Schema.optionalKey(Schema.String),
  agents: Schema.Array(Schema.Struct({ agentId: Schema.String, version: Schema.String })),
  skills: Schema.Array(Schema.Struct({ skillId: Schema.String, version: Schema.String })),
  concurrency: PositiveInt,
  running: NonNegativeInt,
  labels: WorkerLabels,
  connectedAt: NonNegativeInt
}).annotate({ title: "WorkerInfo" })
export type WorkerInfo = typeof WorkerInfo.Type
