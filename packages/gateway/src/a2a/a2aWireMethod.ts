import type { WireMethod } from "@coderclaw/protocol"

/** A continuing message (one naming its task) answers the task; a new one submits a task. */
const sendMethod = (body: unknown, message: (body: Record<string, unknown>) => unknown): WireMethod => {
  const taskId =
    typeof body === "object" && body !== null
      ? (message(body as Record<string, unknown>) as { taskId?: unknown } | undefined)?.taskId
      : undefined
  return typeof taskId === "string" && taskId !== "" ? "task.provideInput" : "task.submit"
}

const jsonRpcMethods: Readonly<Record<string, WireMethod>> = {
  GetTask: "task.get",
  ListTasks: "task.list",
  CancelTask: "task.cancel",
  SubscribeToTask: "task.subscribe",
  GetExtendedAgentCard: "agent.list",
  CreateTaskPushNotificationConfig: "task.get",
  GetTaskPushNotificationConfig: "task.get",
  ListTaskPushNotificationConfigs: "task.get",
  DeleteTaskPushNotificationConfig: "task.get"
}

/**
 * The wire method an A2A JSON-RPC request amounts to, so it passes the same method gate (permission and
 * audit) as over WebSocket: `SendMessage` is `task.submit`, or `task.provideInput` when it continues a task;
 * `GetTask` is `task.get`; and so on (table in `docs/a2a.md`). `undefined` for a method A2A does not define,
 * which the SDK then refuses (-32601).
 */
export const jsonRpcWireMethod = (body: unknown): WireMethod | undefined => {
  const method = typeof body === "object" && body !== null ? (body as { method?: unknown }).method : undefined
  if (typeof method !== "string") return undefined
  if (method === "SendMessage" || method === "SendStreamingMessage")
    return sendMethod(body, (rpc) => (rpc.params as { message?: unknown } | undefined)?.message)
  return Object.hasOwn(jsonRpcMethods, method) ? jsonRpcMethods[method] : undefined
}

const restRoutes: ReadonlyArray<readonly [string, RegExp, WireMethod]> = [
  ["GET", /\/extendedAgentCard$/u, "agent.list"],
  ["POST", /\/tasks\/[^/]+:cancel$/u, "task.cancel"],
  ["GET", /\/tasks\/[^/]+:subscribe$/u, "task.subscribe"],
  ["POST", /\/tasks\/[^/]+:subscribe$/u, "task.subscribe"],
  ["GET", /\/tasks\/[^/:]+\/pushNotificationConfigs(\/[^/]+)?$/u, "task.get"],
  ["POST", /\/tasks\/[^/:]+\/pushNotificationConfigs$/u, "task.get"],
  ["DELETE", /\/tasks\/[^/:]+\/pushNotificationConfigs\/[^/]+$/u, "task.get"],
  ["GET", /\/tasks\/[^/:]+$/u, "task.get"],
  ["GET", /\/tasks$/u, "task.list"]
]

/** The wire method of an A2A HTTP+JSON request (method and path below the binding's root), as for JSON-RPC. */
export const restWireMethod = (method: string | undefined, path: string, body: unknown): WireMethod | undefined => {
  if (method === "POST" && /\/message:(send|stream)$/u.test(path)) return sendMethod(body, (request) => request.message)
  return restRoutes.find(([verb, pattern]) => verb === method && pattern.test(path))?.[2]
}
