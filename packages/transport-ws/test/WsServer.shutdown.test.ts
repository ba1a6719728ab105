import { closeCodes, Unavailable, unconditionalGrant } from "@coderclaw/protocol"
import { Authorizer } from "@coderclaw/runtime"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { createWsClient } from "../src/index.js"
import { type AuthorizedServer, startAuthorizedServer } from "./support/authorizedServer.js"
import { RawSocket } from "./support/rawSocket.js"

let started: AuthorizedServer | undefined
const sockets: Array<RawSocket> = []
const clients: Array<ReturnType<typeof createWsClient>> = []
afterEach(async () => {
  for (const raw of sockets.splice(0)) raw.socket.terminate()
  await Promise.allSettled(clients.splice(0).map((client) => client.close()))
  await started?.close()
  started = undefined
})

/** How a promise settled: rejections are captured so their typed error can be inspected. */
const settled = <A>(promise: Promise<A>) =>
  promise.then(
    (value) => ({ resolved: value }) as const,
    (error: unknown) => ({ rejected: error }) as const
  )

describe("server shutdown", () => {
  it("closes connections with 1001; the client rejects pending and new calls with Unavailable", async () => {
    // `runtime.status` is held at the method gate until the connection goes, so shutdown is certain to meet
    // a call in flight instead of racing a fast answer.
    let statusAsked: () => void = () => undefined
    const statusInFlight = new Promise<void>((resolve) => {
      statusAsked = resolve
    })
    const authorizer = Authorizer.of({
      authorize: ({ action }) =>
        action === "runtime:status"
          ? Effect.andThen(Effect.sync(statusAsked), Effect.never)
          : Effect.succeed(unconditionalGrant),
      visibleSessions: (principal) => Effect.succeed([principal.sessionId])
    })
    started = await startAuthorizedServer(authorizer, { agents: conformanceAgents, maxConcurrentTasks: 4 })
    const { server, url, tokenFor } = started

    const raw = await RawSocket.connect(url, tokenFor(alice))
    sockets.push(raw)
    // A request timeout far above the test's waits: a rejection can only come from the lost connection.
    const requestTimeoutMs = 10_000
    const client = createWsClient({
      url,
      credentials: { type: "token", token: tokenFor(alice) },
      WebSocket,
      requestTimeoutMs,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 }
    })
    clients.push(client)
    expect(await client.listAgents()).toHaveLength(conformanceAgents.length)
    const pending = settled(client.status())
    await statusInFlight
    expect(server.connectionCount).toBe(2)

    const closing = Date.now()
    await server.close()
    expect(await raw.closed).toEqual({ code: closeCodes.goingAway.code, reason: "server shutting down" })
    expect(closeCodes.goingAway.code).toBe(1001)
    expect(server.connectionCount).toBe(0)

    const inFlight = await pending
    expect(inFlight).toHaveProperty("rejected")
    const lost = "rejected" in inFlight ? inFlight.rejected : undefined
    expect(lost).toBeInstanceOf(Unavailable)
    expect(lost).toMatchObject({ _tag: "Unavailable" })
    expect(Date.now() - closing).toBeLessThan(requestTimeoutMs / 2)

    // After the server is gone a new call fails fast with the same typed error instead of hanging.
    const calledAt = Date.now()
    const after = await settled(client.listAgents())
    expect("rejected" in after ? after.rejected : after).toBeInstanceOf(Unavailable)
    expect("rejected" in after ? after.rejected : after).toMatchObject({ _tag: "Unavailable" })
    expect(Date.now() - calledAt).toBeLessThan(requestTimeoutMs / 2)
  })
})
