import { EmptyParams, jsonRpcErrorCodes, type WireMethod, wireMethodNames, wireMethods } from "@coderclaw/protocol"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { type Loopback, startLoopback } from "./support/loopback.js"
import { type Frame, RawSocket } from "./support/rawSocket.js"

const open: Array<Loopback> = []
const sockets: Array<RawSocket> = []
afterEach(async () => {
  for (const raw of sockets.splice(0)) raw.socket.terminate()
  await Promise.all(open.splice(0).map((loopback) => loopback.close()))
})

const connect = async () => {
  const loopback = await startLoopback({ agents: conformanceAgents })
  open.push(loopback)
  const raw = await RawSocket.connect(loopback.url, loopback.tokenFor(alice))
  sockets.push(raw)
  return raw
}

const issuePaths = (frame: Frame): ReadonlyArray<string> =>
  ((frame.error?.data?.details as { issues?: Array<{ path: Array<string | number> }> } | undefined)?.issues ?? []).map(
    (issue) => issue.path.join(".")
  )

/** Valid params for every method that takes some, so an added unknown key is the only problem. */
const validParams: { readonly [Method in Exclude<WireMethod, "connect">]?: Record<string, unknown> } = {
  "task.submit": { request: { agentId: "echo", description: "d", input: {} } },
  "task.get": { taskId: "0190f7a6-0000-7000-8000-000000000000" },
  "task.list": {},
  "task.cancel": { taskId: "0190f7a6-0000-7000-8000-000000000000" },
  "task.provideInput": { taskId: "0190f7a6-0000-7000-8000-000000000000", input: 1 },
  "task.resolveApproval": { taskId: "0190f7a6-0000-7000-8000-000000000000", approved: true },
  "task.subscribe": { taskId: "0190f7a6-0000-7000-8000-000000000000" },
  "task.subscribeAll": {},
  "task.unsubscribe": { subscriptionId: "s1" },
  "workflow.submit": { definition: {} }
}

const noParamMethods = wireMethodNames.filter((method) => wireMethods[method].params === EmptyParams)

describe("params objects are closed", () => {
  it("the method table has no-param methods to check", () => {
    expect(noParamMethods).toEqual(
      expect.arrayContaining(["connection.ping", "agent.list", "skill.list", "runtime.status", "session.logout"])
    )
  })

  for (const method of noParamMethods) {
    it(`${method} refuses an unknown key with -32602 naming it, and accepts {} and no params`, async () => {
      const raw = await connect()
      const refused = await raw.call(1, method, { bogus: true, other: 1 })
      expect(refused.error?.code, JSON.stringify(refused)).toBe(jsonRpcErrorCodes.invalidParams)
      expect([...issuePaths(refused)].sort()).toEqual(["bogus", "other"])
      expect(refused.error?.message).toContain("bogus")
      // `session.logout` ends the session, so it is the last call on the connection.
      if (method !== "session.logout") expect((await raw.call(2, method)).error).toBeUndefined()
      expect((await raw.call(3, method, {})).error).toBeUndefined()
    })
  }

  for (const [method, params] of Object.entries(validParams)) {
    it(`${method} refuses an unknown key next to valid params with -32602 naming it`, async () => {
      const raw = await connect()
      const refused = await raw.call(1, method, { ...params, unexpectedKey: "x" })
      expect(refused.error?.code, JSON.stringify(refused)).toBe(jsonRpcErrorCodes.invalidParams)
      expect(issuePaths(refused)).toContain("unexpectedKey")
    })
  }
})
