import type { DeploymentMode, RuntimeClient } from "@coderclaw/protocol"

/**
 * What `CoderClawRuntime` runs on: a `RuntimeClient` bound to one caller, and the deployment modes the
 * adapter can serve. `LocalTransportAdapter` is the one for `local-only`; implement this interface to put
 * the facade on another transport.
 */
export interface TransportAdapter {
  /** The client every facade call goes through, acting as the adapter's principal. */
  readonly client: RuntimeClient
  /** The deployment modes this adapter serves; `CoderClawRuntime` refuses any other. */
  readonly modes: ReadonlyArray<DeploymentMode>
  /** Releases the client, and whatever the adapter started itself. */
  close(): Promise<void>
}
