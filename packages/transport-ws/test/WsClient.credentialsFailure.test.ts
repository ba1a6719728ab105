import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { createWsClient } from "../src/index.js"
import { type Loopback, startLoopback } from "./support/loopback.js"

let loopback: Loopback | undefined
afterEach(async () => {
  await loopback?.close()
  loopback = undefined
})

describe("a credentials function or device signer that throws", () => {
  it("fails that connection attempt with Unavailable and leaves no rejection unhandled", async () => {
    loopback = await startLoopback({ agents: conformanceAgents })
    const token = loopback.tokenFor(alice)
    let calls = 0
    const client = createWsClient({
      url: loopback.url,
      WebSocket,
      credentials: () => {
        calls++
        if (calls === 1) throw new Error("the secret store is unreachable")
        return { type: "token", token }
      },
      device: () => Promise.reject(new Error("the key is locked"))
    })
    // vitest fails the run on any unhandled rejection, so reaching the end proves there was none.
    await expect(client.listAgents()).rejects.toMatchObject({ _tag: "Unavailable" })
    await expect(client.listAgents()).rejects.toMatchObject({ _tag: "Unavailable" })
    expect(calls).toBeGreaterThanOrEqual(2)
    await client.close()

    // Only that attempt failed: the next one, with working credentials, connects.
    let failedOnce = false
    const recovering = createWsClient({
      url: loopback.url,
      WebSocket,
      credentials: () => {
        if (!failedOnce) {
          failedOnce = true
          throw new Error("the secret store is unreachable")
        }
        return { type: "token", token }
      }
    })
    await expect(recovering.listAgents()).rejects.toMatchObject({ _tag: "Unavailable" })
    expect(await recovering.listAgents()).toHaveLength(conformanceAgents.length)
    await recovering.close()
  })
})
