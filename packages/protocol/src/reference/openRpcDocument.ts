import { type ErrorCode, errorCodes } from "../ErrorCode.js"
import { ErrorInfo } from "../ErrorInfo.js"
import { taskFailureCodes } from "../TaskFailureCode.js"
import { MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION } from "../version.js"
import { jsonRpcErrorCodes } from "../wire/JsonRpc.js"
import { commonMethodErrors, wireMethodContracts } from "../wire/methodContracts.js"
import { methodPermissions } from "../wire/methodPermissions.js"
import { type WireMethod, wireMethodNames, wireMethods, wireNotifications } from "../wire/methods.js"
import { type JsonSchemaObject, jsonSchemaOf } from "./jsonSchemaOf.js"

/** The OpenRPC version the document follows. */
export const openRpcVersion = "1.3.2"

/** What each server → client notification is for. */
export const notificationDescriptions: { readonly [Name in keyof typeof wireNotifications]: string } = {
  "connect.challenge":
    "The first frame on every connection: the nonce a device signs, the protocol range, the handshake deadline.",
  "task.event":
    "One event of a subscription (`task.subscribe` / `task.subscribeAll`): the event envelope plus the `subscriptionId`. Per task, `seq` runs 1, 2, 3… with no gap or duplicate.",
  "task.end":
    "The subscription is over: without `error`, a `task.subscribe` stream delivered the task's final event; with it, the stream failed (e.g. `UNAVAILABLE` on shutdown, `UNAUTHENTICATED` after a revocation).",
  "worker.dispatch":
    "To a registered worker: run one attempt of a task under the lease `leaseId` (its fencing token); renew it with `worker.heartbeat`, end it with `worker.end`.",
  "worker.abort":
    "To a registered worker: stop the attempt of `leaseId` (cancelled, timed out, or the lease was lost); anything sent under it later is refused with `LEASE_LOST`."
}

/** The JSON-RPC-level errors (problems with the frame itself) and what they mean. */
export const frameErrors = [
  { code: jsonRpcErrorCodes.parseError, message: "Parse error", meaning: "The frame is not JSON (`id: null`)." },
  {
    code: jsonRpcErrorCodes.invalidRequest,
    message: "Invalid Request",
    meaning:
      "Not a JSON-RPC 2.0 request object, a batch, larger than `maxMessageBytes` (`id: null`), a reused id, or `connect` again."
  },
  {
    code: jsonRpcErrorCodes.methodNotFound,
    message: "Method not found",
    meaning: "No such method in this protocol version (unknown methods are denied)."
  }
] as const

const errorObject = (code: ErrorCode) => ({
  code: errorCodes[code].jsonRpcCode,
  message: code,
  data: { code, meaning: errorCodes[code].meaning, retryable: errorCodes[code].retryable }
})

const errorsOf = (method: WireMethod) => {
  const specific = wireMethodContracts[method].errors
  const all =
    method === "connect" ? ["INVALID_REQUEST", "UNAUTHENTICATED", ...specific] : [...commonMethodErrors, ...specific]
  return [...new Set(all as ReadonlyArray<ErrorCode>)].map((code) => ({ $ref: `#/components/errors/${code}` }))
}

const stripDialect = ({ $schema: _, ...schema }: JsonSchemaObject): JsonSchemaObject => schema

/** The params of a method as OpenRPC content descriptors, one per top-level member (`paramStructure: by-name`). */
const paramsOf = (method: WireMethod) => {
  const schema = jsonSchemaOf(wireMethodContracts[method].params)
  const properties = (schema.properties ?? {}) as Record<string, JsonSchemaObject>
  const required = new Set((schema.required ?? []) as ReadonlyArray<string>)
  return Object.entries(properties).map(([name, property]) => ({
    name,
    required: required.has(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property
  }))
}

/**
 * The OpenRPC 1.3 document of the wire protocol: every method with its params, result and errors (with
 * codes and meanings), generated from the same schemas the server validates with. OpenRPC has no
 * server → client notifications; they are listed under `x-notifications`, each with its params schema.
 */
export const openRpcDocument = () => ({
  openrpc: openRpcVersion,
  info: {
    title: "coderClaw wire protocol",
    version: String(PROTOCOL_VERSION),
    description: `JSON-RPC 2.0 over one WebSocket connection. Protocol version ${PROTOCOL_VERSION} (minimum supported ${MIN_SUPPORTED_PROTOCOL_VERSION}). The server speaks first (\`connect.challenge\`); the client's first request must be \`connect\`. Params are always an object (by name); objects are closed: an unknown member is refused with -32602 naming it. See docs/protocol.md for the handshake, streams and limits, and docs/protocol-reference.md for every field.`,
    license: { name: "MIT" }
  },
  methods: wireMethodNames.map((method) => ({
    name: method,
    summary: wireMethodContracts[method].summary,
    description: `${wireMethodContracts[method].description} Permission: ${methodPermissions[method]}. Since protocol version ${wireMethods[method].since}.`,
    paramStructure: "by-name",
    params: paramsOf(method),
    result: { name: `${method} result`, schema: stripDialect(jsonSchemaOf(wireMethods[method].result)) },
    errors: errorsOf(method),
    "x-permission": methodPermissions[method],
    "x-since": wireMethods[method].since
  })),
  components: {
    errors: Object.fromEntries([
      ...(Object.keys(errorCodes) as Array<ErrorCode>).map((code) => [code, errorObject(code)]),
      ...frameErrors.map(({ code, message, meaning }) => [
        message.replaceAll(" ", ""),
        { code, message, data: { code: "INVALID_REQUEST", meaning, retryable: false } }
      ])
    ]),
    schemas: { ErrorInfo: stripDialect(jsonSchemaOf(ErrorInfo)) }
  },
  "x-notifications": Object.entries(wireNotifications).map(([name, schema]) => ({
    name,
    description: notificationDescriptions[name as keyof typeof wireNotifications],
    params: stripDialect(jsonSchemaOf(schema))
  })),
  "x-task-failure-codes": taskFailureCodes
})
