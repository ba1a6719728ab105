/**
 * `@coderclaw/transport-local`: the in-process `RuntimeClient`, and the compatibility facade for code
 * written against the original coderClaw API.
 *
 * @packageDocumentation
 */

export {
  CoderClawRuntime,
  type RuntimeMode,
  type TaskSubmitRequest
} from "./compat/CoderClawRuntime.js"
export {
  LocalTransportAdapter,
  type LocalTransportAdapterOptions,
  localPrincipal
} from "./compat/LocalTransportAdapter.js"
export type { TransportAdapter } from "./compat/TransportAdapter.js"
export { makeLocalClient } from "./LocalClient.js"
export { createLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from "./LocalRuntime.js"
