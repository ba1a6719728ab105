/**
 * `@coderclaw/gateway`: the coderClaw runtime over HTTP. An HTTP route seam (`HttpRoute`, `httpRouter`) that
 * a server mounts beside its WebSocket upgrades, and the A2A 1.0 route group (`a2aGateway`): the agent card,
 * JSON-RPC + SSE and HTTP+JSON bindings answered by the durable runtime, behind the same authentication,
 * authorization and audit as every other transport.
 */
export { type A2aGatewayOptions, a2aGateway } from "./A2aGateway.js"
export { type A2aRoutesOptions, a2aRoutes, agentCardPath } from "./a2a/a2aRoutes.js"
export { a2aTaskState, isInterrupted, statusesOf } from "./a2a/a2aTaskState.js"
export { jsonRpcWireMethod, restWireMethod } from "./a2a/a2aWireMethod.js"
export { type AgentCardOptions, a2aPaths, agentCard, inputSchemaExtensionUri } from "./a2a/agentCard.js"
export { GatewayUser } from "./a2a/GatewayUser.js"
export { RuntimeRequestHandler, type RuntimeRequestHandlerOptions } from "./a2a/RuntimeRequestHandler.js"
export { contextIdOf, TaskView } from "./a2a/TaskView.js"
export { bearerToken } from "./auth/bearerToken.js"
export { HttpAuthentication, type HttpAuthenticationOptions, type HttpRefusal } from "./auth/HttpAuthentication.js"
export type { HttpRoute } from "./http/HttpRoute.js"
export { type HttpRouter, httpRouter } from "./http/httpRouter.js"
export { type JsonErrorBody, sendJsonError } from "./http/sendJsonError.js"
