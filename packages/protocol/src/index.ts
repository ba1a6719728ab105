/**
 * `@coderclaw/protocol`: the schemas of everything that crosses a coderClaw boundary (requests, records,
 * events, descriptors, status, errors) and the `RuntimeClient` interface every transport implements.
 * No I/O lives here.
 *
 * @packageDocumentation
 */

export { AgentDescriptor, AgentHosting, AgentHostWorker, AgentInputDescriptor } from "./AgentDescriptor.js"
export { boundaryParseOptions, invalidRequestFrom, makeDecoder, makeEffectDecoder } from "./decode.js"
export { ErrorCode, errorCodes } from "./ErrorCode.js"
export { ErrorInfo, fromErrorInfo, toErrorInfo } from "./ErrorInfo.js"
export { AgentId, makeTaskId, NodeId, PrincipalId, SessionId, SkillId, systemPrincipalId, TaskId } from "./Ids.js"
export { Limits } from "./Limits.js"
export { Metadata } from "./Metadata.js"
export { isPermission, Permission, permissions } from "./Permission.js"
export { BoundedString, DurationMs, JsonValue, Message, NonNegativeInt, PositiveInt, Timestamp } from "./Primitives.js"
export { IdentityProvider, Principal, TrustLevel } from "./Principal.js"
export type { Authenticated, AuthenticationRequest, AuthenticatorShape } from "./ports/Authentication.js"
export {
  type AuthorizationContext,
  type AuthorizationGrant,
  type AuthorizationRequest,
  type AuthorizerShape,
  unconditionalGrant
} from "./ports/Authorization.js"
export type {
  ApprovalDecision,
  CallOptions,
  RuntimeClient,
  SubscribeAllOptions,
  SubscribeOptions
} from "./RuntimeClient.js"
export {
  AgentNotFound,
  errorCodeOf,
  Forbidden,
  InternalError,
  InvalidRequest,
  InvalidTransition,
  isRetryable,
  isRuntimeError,
  LeaseLost,
  Overloaded,
  RateLimited,
  RequestIssue,
  RuntimeError,
  TaskNotFound,
  Timeout,
  Unauthenticated,
  Unavailable,
  UnsupportedProtocolVersion
} from "./RuntimeError.js"
export { DeploymentMode, HealthCheck, HealthState, RuntimeStatus } from "./RuntimeStatus.js"
export { type JsonSchemaObject, jsonSchemaOf } from "./reference/jsonSchemaOf.js"
export { eventSchemaNames, type MessageSchemaName, messageSchemas } from "./reference/messageSchemas.js"
export { openRpcDocument } from "./reference/openRpcDocument.js"
export { type ReferenceFile, referenceFiles } from "./reference/referenceFiles.js"
export { regenerateCommand, renderProtocolReference } from "./reference/renderProtocolReference.js"
export { SkillDescriptor } from "./SkillDescriptor.js"
export { type StepInput, stepInputOf, stepMetadataKey } from "./StepInput.js"
export { IdempotencyKey, SubmitRequest } from "./SubmitRequest.js"
export {
  ApprovalRequested,
  ApprovalResolved,
  Artifact,
  AttemptFailed,
  ChildSpawned,
  InputProvided,
  InputRequested,
  Log,
  LogLevel,
  Output,
  Progress,
  StatusChanged,
  TaskCreated,
  TaskEvent,
  TaskEventEnvelope,
  type TaskEventType
} from "./TaskEvent.js"
export { TaskFailure } from "./TaskFailure.js"
export { KnownTaskFailureCode, taskFailureCodes } from "./TaskFailureCode.js"
export { PageRequest, TaskFilter, TaskPage } from "./TaskFilter.js"
export { TaskRecord } from "./TaskRecord.js"
export {
  ActiveStatus,
  isTerminalStatus,
  TaskStatus,
  TerminalStatus,
  taskStatuses,
  WaitingReason
} from "./TaskStatus.js"
export { validateWorkflow } from "./validateWorkflow.js"
export { MIN_SUPPORTED_PROTOCOL_VERSION, negotiateProtocolVersion, PROTOCOL_VERSION } from "./version.js"
export { StepId, WorkflowDefinition, WorkflowStep } from "./WorkflowDefinition.js"
export {
  ConnectChallenge,
  ConnectionLimits,
  ConnectParams,
  Credentials,
  DevelopmentCredentials,
  DeviceProof,
  HelloResult,
  PasswordCredentials,
  ProtocolRange,
  ServerKey,
  ServerProof,
  TokenCredentials
} from "./wire/Connect.js"
export { type CloseCodeName, closeCodes } from "./wire/closeCodes.js"
export { type DeviceProofClaims, deviceProofPayload } from "./wire/deviceProofPayload.js"
export {
  JsonRpcErrorObject,
  JsonRpcFailure,
  JsonRpcId,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcSuccess,
  JsonRpcVersion,
  jsonRpcErrorCodes,
  MethodName
} from "./wire/JsonRpc.js"
export { commonMethodErrors, type WireMethodContract, wireMethodContracts } from "./wire/methodContracts.js"
export { methodPermissions, permissionOf } from "./wire/methodPermissions.js"
export {
  isWireMethod,
  type WireMethod,
  type WireMethodSpec,
  wireMethodNames,
  wireMethods,
  wireMethodTableVersion,
  wireNotifications
} from "./wire/methods.js"
export { RequestMeta, requestMetaKey, TraceParent } from "./wire/RequestMeta.js"
export {
  SubscribeAllParams,
  SubscribeParams,
  SubscribeResult,
  SubscriptionId,
  TaskEndNotification,
  TaskEventNotification,
  UnsubscribeParams,
  UnsubscribeResult
} from "./wire/Subscriptions.js"
export { clientNonceParameter, clientNoncePattern, serverProofPayload } from "./wire/serverProofPayload.js"
export {
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
} from "./wire/TaskMethods.js"
export {
  AttemptEnd,
  AttemptReport,
  HostedAgent,
  HostedSkill,
  HostedVersion,
  LeaseId,
  RefusedRegistration,
  WireSkillScope,
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
  WorkerLabels,
  WorkerRegisterParams,
  WorkerRegisterResult,
  WorkerReportParams,
  WorkerSpawnParams,
  WorkerSpawnResult
} from "./wire/Worker.js"
