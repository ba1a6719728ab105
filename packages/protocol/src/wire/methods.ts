import { Schema } from "effect"
import { AgentDescriptor } from "../AgentDescriptor.js"
import { RuntimeStatus } from "../RuntimeStatus.js"
import { SkillDescriptor } from "../SkillDescriptor.js"
import { TaskPage } from "../TaskFilter.js"
import { TaskRecord } from "../TaskRecord.js"
import { PROTOCOL_VERSION } from "../version.js"
import { ConnectChallenge, ConnectParams, HelloResult } from "./Connect.js"
import {
  SubscribeAllParams,
  SubscribeParams,
  SubscribeResult,
  TaskEndNotification,
  TaskEventNotification,
  UnsubscribeParams,
  UnsubscribeResult
} from "./Subscriptions.js"
import {
  CancelParams,
  EmptyParams,
  ListParams,
  LogoutResult,
  PingResult,
  ProvideInputParams,
  ResolveApprovalParams,
  SubmitParams,
  SubmitWorkflowParams,
  TaskIdParams
} from "./TaskMethods.js"
import {
  WorkerAbortNotification,
  WorkerAck,
  WorkerAnswerResult,
  WorkerAskInputParams,
  WorkerAuthorizePathsParams,
  WorkerAuthorizePathsResult,
  WorkerAuthorizeSkillParams,
  WorkerAwaitChildrenParams,
  WorkerChildrenResult,
  WorkerDispatchNotification,
  WorkerEndParams,
  WorkerHeartbeatParams,
  WorkerHeartbeatResult,
  WorkerInfo,
  WorkerRegisterParams,
  WorkerRegisterResult,
  WorkerReportParams,
  WorkerSpawnParams,
  WorkerSpawnResult
} from "./Worker.js"

/** One row of the method table: its params and result schemas and the protocol version that added it. */
export interface WireMethodSpec {
  readonly params: Schema.Decoder<unknown>
  readonly result: Schema.Top
  /** The first protocol version with this method. */
  readonly since: number
}

/**
 * Every method a client may call, in protocol version `PROTOCOL_VERSION`. `docs/protocol.md` documents the
 * same table; the server refuses any other name with `-32601`.
 */
export const wireMethods = {
  connect: { params: ConnectParams, result: HelloResult, since: 1 },
  "connection.ping": { params: EmptyParams, result: PingResult, since: 1 },
  "task.submit": { params: SubmitParams, result: TaskRecord, since: 1 },
  "task.get": { params: TaskIdParams, result: TaskRecord, since: 1 },
  "task.list": { params: ListParams, result: TaskPage, since: 1 },
  "task.cancel": { params: CancelParams, result: TaskRecord, since: 1 },
  "task.provideInput": { params: ProvideInputParams, result: TaskRecord, since: 1 },
  "task.resolveApproval": { params: ResolveApprovalParams, result: TaskRecord, since: 1 },
  "task.subscribe": { params: SubscribeParams, result: SubscribeResult, since: 1 },
  "task.subscribeAll": { params: SubscribeAllParams, result: SubscribeResult, since: 1 },
  "task.unsubscribe": { params: UnsubscribeParams, result: UnsubscribeResult, since: 1 },
  "agent.list": { params: EmptyParams, result: Schema.Array(AgentDescriptor), since: 1 },
  "skill.list": { params: EmptyParams, result: Schema.Array(SkillDescriptor), since: 1 },
  "runtime.status": { params: EmptyParams, result: RuntimeStatus, since: 1 },
  "workflow.submit": { params: SubmitWorkflowParams, result: TaskRecord, since: 1 },
  "session.logout": { params: EmptyParams, result: LogoutResult, since: 1 },
  "worker.register": { params: WorkerRegisterParams, result: WorkerRegisterResult, since: 2 },
  "worker.heartbeat": { params: WorkerHeartbeatParams, result: WorkerHeartbeatResult, since: 2 },
  "worker.report": { params: WorkerReportParams, result: WorkerAck, since: 2 },
  "worker.askInput": { params: WorkerAskInputParams, result: WorkerAnswerResult, since: 2 },
  "worker.spawn": { params: WorkerSpawnParams, result: WorkerSpawnResult, since: 2 },
  "worker.awaitChildren": { params: WorkerAwaitChildrenParams, result: WorkerChildrenResult, since: 2 },
  "worker.authorizeSkill": { params: WorkerAuthorizeSkillParams, result: WorkerAck, since: 2 },
  "worker.authorizePaths": { params: WorkerAuthorizePathsParams, result: WorkerAuthorizePathsResult, since: 2 },
  "worker.end": { params: WorkerEndParams, result: WorkerAck, since: 2 },
  "worker.list": { params: EmptyParams, result: Schema.Array(WorkerInfo), since: 2 }
} as const satisfies Record<string, WireMethodSpec>

/** The name of a method in the table. */
export type WireMethod = keyof typeof wireMethods

/** Every method name, in table order. */
export const wireMethodNames = Object.keys(wireMethods) as ReadonlyArray<WireMethod>

/** Whether `name` is a method of the protocol. */
export const isWireMethod = (name: string): name is WireMethod => Object.hasOwn(wireMethods, name)

/** Every notification the server sends, with its params schema. */
export const wireNotifications = {
  "connect.challenge": ConnectChallenge,
  "task.event": TaskEventNotification,
  "task.end": TaskEndNotification,
  "worker.dispatch": WorkerDispatchNotification,
  "worker.abort": WorkerAbortNotification
} as const

/** The protocol version this method table describes. */
export const wireMethodTableVersion = PROTOCOL_VERSION
