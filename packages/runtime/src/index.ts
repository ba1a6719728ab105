/**
 * `@coderclaw/runtime`: the Effect supervisor of coderClaw tasks. Every task is its own XState actor;
 * agents run as Effect fibers; every change is journalled before it is applied; streams replay then go
 * live with no gap; unfinished tasks are recovered on start.
 *
 * @packageDocumentation
 */

export type { AgentContext, ChildRequest, SpawnError } from "./agent/AgentContext.js"
export { AgentFailure } from "./agent/AgentFailure.js"
export { AgentModuleError } from "./agent/AgentModuleError.js"
export { collectDefinitions, type ModuleDefinitions } from "./agent/collectDefinitions.js"
export {
  type AgentDefinition,
  type AgentDescriptorInput,
  type AgentInputSpec,
  type AgentRun,
  type AsyncAgentContext,
  defineAgent,
  defineAsyncAgent,
  inputJsonSchema
} from "./agent/defineAgent.js"
export { defineSkill, type SkillCall, type SkillDefinition, type SkillScope } from "./agent/defineSkill.js"
export {
  type LoadAgentModulesOptions,
  type LoadedAgentModules,
  loadAgentModules
} from "./agent/loadAgentModules.js"
export { SkillError } from "./agent/SkillError.js"
export {
  type Authenticated,
  type AuthenticationRequest,
  Authenticator,
  type AuthenticatorShape
} from "./authentication/Authenticator.js"
export {
  type AuthorizationRequest,
  Authorizer,
  type AuthorizerShape,
  permissiveGrant,
  type RuntimeAction
} from "./authorization/Authorizer.js"
export { decodeTaskCursor } from "./journal/decodeTaskCursor.js"
export { InMemoryJournal, makeInMemoryJournal } from "./journal/InMemoryJournal.js"
export {
  type DamagedTask,
  defaultPageSize,
  type IdempotencyClaim,
  Journal,
  type JournalShape,
  type PendingEvent,
  type TaskQuery
} from "./journal/Journal.js"
export { isTransientJournalReason, JournalError, transientJournalReasons } from "./journal/JournalError.js"
export { matchesTaskQuery } from "./journal/matchesTaskQuery.js"
export { projectTaskRecord } from "./journal/projectTaskRecord.js"
export { seqConflict } from "./journal/seqConflict.js"
export { JournalQuarantine } from "./journal/storage/JournalQuarantine.js"
export * as JournalRows from "./journal/storage/JournalRows.js"
export { parentOfTraceparent } from "./observability/parentOfTraceparent.js"
export { RuntimeMetrics } from "./observability/RuntimeMetrics.js"
export { spanNames } from "./observability/taskSpans.js"
export { Runtime, type RuntimeShape, type TaskCallError } from "./Runtime.js"
export {
  defaultIdempotencyWindowMs,
  defaultJournalRetryPolicy,
  defaultJournalWaitMs,
  defaultRetryPolicy,
  type RetryPolicy,
  type RuntimeOptions,
  retryDelayMs
} from "./RuntimeOptions.js"
export { AttemptLost } from "./supervisor/AgentAttempt.js"
export { RUNTIME_VERSION } from "./version.js"
export type { WorkerLink } from "./workers/internal/hosting.js"
export {
  defaultLeaseTiming,
  type LeaseTiming,
  makeWorkerHub,
  type WorkerHubDeps,
  type WorkerHubShape
} from "./workers/WorkerHub.js"
export { workflowAgentId } from "./workflowAgentId.js"
