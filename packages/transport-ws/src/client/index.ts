/**
 * `@coderclaw/transport-ws/client`: the WebSocket `RuntimeClient` alone, without the server and its Node
 * dependencies, for browsers and other runtimes with a WHATWG `WebSocket`.
 *
 * @packageDocumentation
 */

export { createWsClient, type WsClient } from "./createWsClient.js"
export { reconnectSchedule } from "./reconnectSchedule.js"
export {
  type DeviceSigner,
  defaultGiveUpAfterMs,
  type ReconnectOptions,
  type ServerIdentityCheck,
  type WebSocketConstructor,
  type WebSocketLike,
  type WsClientOptions
} from "./WsClientOptions.js"
export { WsTransportAdapter } from "./WsTransportAdapter.js"
