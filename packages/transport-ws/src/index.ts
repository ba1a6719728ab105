/**
 * `@coderclaw/transport-ws`: the coderClaw runtime over WebSocket. `startWsServer` / `makeWsServer` serve a
 * runtime as JSON-RPC 2.0 (see `docs/protocol.md`); `createWsClient` is a `RuntimeClient` that authenticates,
 * reconnects and resumes its streams without losing or repeating an event. Browsers import the client alone
 * from `@coderclaw/transport-ws/client`.
 *
 * @packageDocumentation
 */

export {
  createWsClient,
  type DeviceSigner,
  type ReconnectOptions,
  type WebSocketConstructor,
  type WebSocketLike,
  type WsClient,
  type WsClientOptions,
  WsTransportAdapter
} from "./client/index.js"
export { methodPermissions, permissionOf } from "./server/methodPermissions.js"
export { TransportMetrics } from "./server/TransportMetrics.js"
export {
  makeWsServer,
  type StartWsServerOptions,
  startWsServer,
  type WsServer,
  WsServerError
} from "./server/WsServer.js"
export {
  type ConnectionClosed,
  defaultLimits,
  type ServerIdentitySigner,
  type WsLimits,
  type WsServerOptions
} from "./server/WsServerOptions.js"
