import type { DeploymentMode, Principal, RuntimeClient } from "@coderclaw/protocol"
import { createLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from "../LocalRuntime.js"
import type { TransportAdapter } from "./TransportAdapter.js"

/**
 * The caller a `LocalTransportAdapter` acts as when given none: one local user in one session, `local`.
 * Under the permissive authorizer it sees the tasks of that session only.
 */
export const localPrincipal: Principal = {
  id: "local:user",
  provider: "local",
  displayName: "Local user",
  sessionId: "local",
  roles: [],
  trust: "trusted"
}

/** Options of `LocalTransportAdapter`. */
export interface LocalTransportAdapterOptions {
  /** Who the adapter's calls come from; default `localPrincipal`. */
  readonly principal?: Principal
}

const isLocalRuntime = (source: LocalRuntime | LocalRuntimeOptions): source is LocalRuntime =>
  "client" in source && typeof source.client === "function"

/**
 * The original coderClaw name for running tasks in this process, kept for code written against that API
 * and meant to be handed to `new CoderClawRuntime(adapter, "local-only")`. New code should use
 * `createLocalRuntime` and its `RuntimeClient` directly.
 *
 * Give it a running `LocalRuntime` to share that runtime (closing the adapter then leaves it running), or
 * `LocalRuntimeOptions` to have it start and own one (closing the adapter stops it).
 */
export class LocalTransportAdapter implements TransportAdapter {
  readonly modes: ReadonlyArray<DeploymentMode> = ["local-only"]
  /** The runtime behind the adapter. */
  readonly runtime: LocalRuntime
  /** Who every call of this adapter comes from. */
  readonly principal: Principal
  /** The client the facade calls, acting as `principal`. */
  readonly client: RuntimeClient
  readonly #ownsRuntime: boolean

  constructor(source: LocalRuntime | LocalRuntimeOptions, options: LocalTransportAdapterOptions = {}) {
    this.#ownsRuntime = !isLocalRuntime(source)
    this.runtime = isLocalRuntime(source) ? source : createLocalRuntime(source)
    this.principal = options.principal ?? localPrincipal
    this.client = this.runtime.client(this.principal)
  }

  /** Closes the adapter's client, and the runtime too if the adapter started it. */
  async close(): Promise<void> {
    await this.client.close()
    if (this.#ownsRuntime) await this.runtime.close()
  }
}
