import type { DeploymentMode } from "@coderclaw/protocol"
import { createWsClient, type WsClient } from "./createWsClient.js"
import type { WsClientOptions } from "./WsClientOptions.js"

/**
 * The adapter that puts the original `CoderClawRuntime` facade (`@coderclaw/transport-local`) on a remote
 * runtime: `new CoderClawRuntime(new WsTransportAdapter({ url, credentials, WebSocket }), "remote-enabled")`.
 * It is a WebSocket `RuntimeClient` plus the mode it serves, which is all a `TransportAdapter` is; this
 * package does not import the facade (transports depend on the protocol, not on each other), TypeScript
 * checks the fit structurally.
 */
export class WsTransportAdapter {
  /** A remote runtime serves `remote-enabled`; the facade refuses any other mode on this adapter. */
  readonly modes: ReadonlyArray<DeploymentMode> = ["remote-enabled"]
  /** The WebSocket client every facade call goes through, as the principal the credentials authenticate. */
  readonly client: WsClient

  /** Connects with `createWsClient(options)`, or wraps a client you created. */
  constructor(options: WsClientOptions | WsClient) {
    this.client = "submit" in options ? options : createWsClient(options)
  }

  /** Closes the connection; the remote runtime keeps running. */
  close(): Promise<void> {
    return this.client.close()
  }
}
