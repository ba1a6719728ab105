/**
 * `@coderclaw/worker`: runs coderClaw agents on any machine. A worker connects to a server like any client,
 * registers the agents and skills it hosts, and runs the attempts the server hands it under leases; an agent
 * written with `defineAgent` runs here unchanged, its `AgentContext` calls travelling over the wire.
 *
 * @packageDocumentation
 */

export { loadWorkerModules, WorkerModuleError, type WorkerModules } from "./loadWorkerModules.js"
export { remoteContext, type WorkerCall } from "./remoteContext.js"
export { type RunningWorker, startWorker, type WorkerEvent, type WorkerOptions } from "./startWorker.js"
export { WorkerAttempt } from "./WorkerAttempt.js"
