import type { Schema } from "effect"
import { AgentDescriptor } from "../AgentDescriptor.js"
import { ErrorCode } from "../ErrorCode.js"
import { ErrorInfo } from "../ErrorInfo.js"
import { Principal } from "../Principal.js"
import { RuntimeStatus } from "../RuntimeStatus.js"
import { SkillDescriptor } from "../SkillDescriptor.js"
import { SubmitRequest } from "../SubmitRequest.js"
import {
  ApprovalRequested,
  ApprovalResolved,
  Artifact,
  AttemptFailed,
  ChildSpawned,
  InputProvided,
  InputRequested,
  Log,
  Output,
  Progress,
  StatusChanged,
  TaskCreated,
  TaskEvent,
  TaskEventEnvelope
} from "../TaskEvent.js"
import { TaskFailure } from "../TaskFailure.js"
import { KnownTaskFailureCode } from "../TaskFailureCode.js"
import { PageRequest, TaskFilter, TaskPage } from "../TaskFilter.js"
import { TaskRecord } from "../TaskRecord.js"
import { TaskStatus, WaitingReason } from "../TaskStatus.js"
import { WorkflowDefinition, WorkflowStep } from "../WorkflowDefinition.js"
import { ConnectChallenge, ConnectParams, Credentials, DeviceProof, HelloResult } from "../wire/Connect.js"
import { JsonRpcFailure, JsonRpcNotification, JsonRpcRequest, JsonRpcSuccess } from "../wire/JsonRpc.js"
import { RequestMeta } from "../wire/RequestMeta.js"
import { TaskEndNotification, TaskEventNotification } from "../wire/Subscriptions.js"

/**
 * The messages and types a client handles, by name: each becomes `docs/schemas/<name>.json` and a section
 * of the protocol reference. Method params and results are added per method (`docs/schemas/methods/`).
 */
export const messageSchemas = {
  SubmitRequest,
  TaskRecord,
  TaskFilter,
  PageRequest,
  TaskPage,
  TaskStatus,
  WaitingReason,
  TaskFailure,
  KnownTaskFailureCode,
  TaskEvent,
  TaskEventEnvelope,
  TaskCreated,
  StatusChanged,
  Progress,
  Output,
  Artifact,
  Log,
  InputRequested,
  InputProvided,
  ChildSpawned,
  AttemptFailed,
  ApprovalRequested,
  ApprovalResolved,
  RuntimeStatus,
  AgentDescriptor,
  SkillDescriptor,
  WorkflowDefinition,
  WorkflowStep,
  Principal,
  ErrorCode,
  ErrorInfo,
  ConnectChallenge,
  ConnectParams,
  Credentials,
  DeviceProof,
  HelloResult,
  TaskEventNotification,
  TaskEndNotification,
  JsonRpcRequest,
  RequestMeta,
  JsonRpcNotification,
  JsonRpcSuccess,
  JsonRpcFailure
} as const satisfies Record<string, Schema.Top>

/** The name of a catalogued message schema. */
export type MessageSchemaName = keyof typeof messageSchemas

/** The event types, in the order of `TaskEvent`'s members, with their schema names. */
export const eventSchemaNames = [
  "TaskCreated",
  "StatusChanged",
  "Progress",
  "Output",
  "Artifact",
  "Log",
  "InputRequested",
  "InputProvided",
  "ChildSpawned",
  "AttemptFailed",
  "ApprovalRequested",
  "ApprovalResolved"
] as const satisfies ReadonlyArray<MessageSchemaName>
