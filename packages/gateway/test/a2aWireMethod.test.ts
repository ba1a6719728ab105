import { permissionOf } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { jsonRpcWireMethod, restWireMethod } from "../src/a2a/a2aWireMethod.js"

const methods = [
  "SendMessage",
  "SendStreamingMessage",
  "GetTask",
  "ListTasks",
  "CancelTask",
  "SubscribeToTask",
  "GetExtendedAgentCard",
  "CreateTaskPushNotificationConfig",
  "GetTaskPushNotificationConfig",
  "ListTaskPushNotificationConfigs",
  "DeleteTaskPushNotificationConfig"
]

describe("the wire method an A2A call amounts to", () => {
  it("classifies every A2A JSON-RPC method with a gated wire method", () => {
    for (const method of methods) {
      const wire = jsonRpcWireMethod({ method, params: {} })
      expect(wire, method).toBeDefined()
      expect(permissionOf(wire as string), method).not.toBe("handshake")
    }
    expect(jsonRpcWireMethod({ method: "Nope" })).toBeUndefined()
    expect(jsonRpcWireMethod("not an object")).toBeUndefined()
  })

  it("makes a message continuing a task an answer, a new one a submit", () => {
    expect(jsonRpcWireMethod({ method: "SendMessage", params: { message: { taskId: "t1" } } })).toBe(
      "task.provideInput"
    )
    expect(jsonRpcWireMethod({ method: "SendMessage", params: { message: { taskId: "" } } })).toBe("task.submit")
    expect(restWireMethod("POST", "/message:stream", { message: { taskId: "t1" } })).toBe("task.provideInput")
    expect(restWireMethod("POST", "/message:send", {})).toBe("task.submit")
  })

  it("classifies the HTTP+JSON routes, tenant prefix or not", () => {
    expect(restWireMethod("GET", "/tasks/abc", undefined)).toBe("task.get")
    expect(restWireMethod("GET", "/acme/tasks/abc", undefined)).toBe("task.get")
    expect(restWireMethod("GET", "/tasks", undefined)).toBe("task.list")
    expect(restWireMethod("POST", "/tasks/abc:cancel", undefined)).toBe("task.cancel")
    expect(restWireMethod("GET", "/tasks/abc:subscribe", undefined)).toBe("task.subscribe")
    expect(restWireMethod("DELETE", "/tasks/abc", undefined)).toBeUndefined()
  })
})
