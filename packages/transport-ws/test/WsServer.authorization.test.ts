import { errorCodes, Forbidden, unconditionalGrant } from "@coderclaw/protocol"
import { Authorizer, type AuthorizerShape } from "@coderclaw/runtime"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { createWsClient } from "../src/index.js"
import { type AuthorizedServer, startAuthorizedServer } from "./support/authorizedServer.js"
import { type Frame, RawSocket } from "./support/rawSocket.js"

let started: AuthorizedServer | undefined
const sockets: Array<RawSocket> = []
const clients: Array<ReturnType<typeof createWsClient>> = []
afterEach(async () => {
  for (const raw of sockets.splice(0)) raw.socket.terminate()
  await Promise.allSettled(clients.splice(0).map((client) => client.close()))
  await started?.close()
  started = undefined
})

/** Everything is allowed except cancelling: a role that may run and watch tasks but not stop them. */
const noCancel: AuthorizerShape = Authorizer.of({
  authorize: ({ action, resource }) =>
    action === "task:cancel"
      ? Effect.fail(new Forbidden({ action, resource, reasons: ["no-cancel"] }))
      : Effect.succeed(unconditionalGrant),
  visibleSessions: (principal) => Effect.succeed([principal.sessionId])
})

const start = async () => {
  // `block` runs until stopped; a short grace keeps the runtime's disposal from waiting on it.
  started = await startAuthorizedServer(noCancel, {
    agents: conformanceAgents,
    maxConcurrentTasks: 4,
    shutdownGraceMs: 10
  })
  return started
}

const resultOf = <A>(frame: Frame): A => {
  expect(frame.error, JSON.stringify(frame)).toBeUndefined()
  return frame.result as A
}

describe("method → permission gate with an Authorizer in the runtime's context", () => {
  it("a denied method gets -32003 FORBIDDEN from the gate; other methods on the connection keep working", async () => {
    const { url, tokenFor, asked } = await start()
    const raw = await RawSocket.connect(url, tokenFor(alice))
    sockets.push(raw)

    const task = resultOf<{ id: string }>(
      await raw.call(1, "task.submit", { request: { agentId: "block", description: "not cancellable here" } })
    )
    const denied = await raw.call(2, "task.cancel", { taskId: task.id, reason: "try" })
    expect(denied.error, JSON.stringify(denied)).toBeDefined()
    expect(denied.error?.code).toBe(errorCodes.FORBIDDEN.jsonRpcCode)
    expect(denied.error?.code).toBe(-32003)
    expect(denied.error?.data?.code).toBe("FORBIDDEN")
    expect(denied.error?.data?.retryable).toBe(false)
    // The resource names the wire method: the server's gate refused before dispatch. Had the call reached
    // the runtime, its own check would have refused on `task/<id>` instead.
    expect(denied.error?.data?.details).toEqual({
      _tag: "Forbidden",
      action: "task:cancel",
      resource: "method/task.cancel",
      reasons: ["no-cancel"]
    })
    expect(asked.filter((request) => request.action === "task:cancel").map((request) => request.resource)).toEqual([
      "method/task.cancel"
    ])

    // The same connection still serves every other method, gated ones included.
    expect(resultOf<{ status: string }>(await raw.call(3, "task.get", { taskId: task.id })).status).not.toBe(
      "cancelled"
    )
    expect(resultOf<{ now: number }>(await raw.call(4, "connection.ping")).now).toBeTypeOf("number")
    expect(resultOf<{ items: Array<unknown> }>(await raw.call(5, "task.list")).items).toHaveLength(1)
    expect(
      resultOf<{ id: string }>(
        await raw.call(6, "task.submit", { request: { agentId: "echo", description: "after", input: 1 } })
      ).id
    ).toBeTypeOf("string")
    expect(asked.map((request) => request.resource)).toEqual(
      expect.arrayContaining(["method/task.submit", "method/task.get", "method/task.list"])
    )
    // Denied again, not by accident once: the gate holds for every call.
    expect((await raw.call(7, "task.cancel", { taskId: task.id })).error?.data?.code).toBe("FORBIDDEN")
  })

  it("the reference client rejects the denied call with a typed Forbidden and keeps its connection", async () => {
    const { url, tokenFor, server } = await start()
    const client = createWsClient({ url, credentials: { type: "token", token: tokenFor(alice) }, WebSocket })
    clients.push(client)
    const task = await client.submit({ agentId: "block", description: "not cancellable here" })
    const denied = await client.cancel(task.id).then(
      () => undefined,
      (error: unknown) => error
    )
    expect(denied).toBeInstanceOf(Forbidden)
    expect(denied).toMatchObject({ _tag: "Forbidden", action: "task:cancel", resource: "method/task.cancel" })
    expect((await client.get(task.id)).status).not.toBe("cancelled")
    expect(server.connectionCount).toBe(1)
  })
})
