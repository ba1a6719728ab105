import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { killTracked, type Line, launchJsonLines } from "@coderclaw/process-harness"
import { Runtime } from "@coderclaw/runtime"
import { alice, conformanceAgents } from "@coderclaw/transport-conformance"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type RestartableServer, startRestartableServer } from "./support/restartableServer.js"

const fixture = fileURLToPath(new URL("./fixtures/outageClient.mjs", import.meta.url))
const builtClient = fileURLToPath(new URL("../dist/client/index.js", import.meta.url))

let server: RestartableServer | undefined
afterEach(async () => {
  await killTracked()
  await server?.close()
  server = undefined
})

/** The client program, crashing on any unhandled rejection, with `giveUpAfterMs` for its streams. */
const launchClient = (url: string, token: string, giveUpAfterMs: number) => {
  expect(existsSync(builtClient), `${builtClient} is missing: build @coderclaw/transport-ws first`).toBe(true)
  return launchJsonLines(fixture, [url, token, String(giveUpAfterMs)], {
    nodeArgs: ["--unhandled-rejections=strict"]
  })
}

const submit = (on: RestartableServer, agentId: string, input: unknown) =>
  on.runPromise(
    Effect.gen(function* () {
      const runtime = yield* Runtime
      return yield* runtime.submit(alice, { agentId, description: agentId, input })
    })
  )

const seqsOf = (lines: ReadonlyArray<Line>, stream: string) =>
  lines.filter((line) => line.kind === "event" && line.stream === stream).map((line) => line.seq as number)

const finalOf = (lines: ReadonlyArray<Line>, stream: string) =>
  lines.find((line) => (line.kind === "ended" || line.kind === "failed") && line.stream === stream)

const sawStatus = (lines: ReadonlyArray<Line>, stream: string, status: string) =>
  lines.some((line) => line.kind === "event" && line.stream === stream && line.to === status)

// Each test runs a server and a client process through an outage: a generous budget for a busy machine.
const budget = { timeout: 120_000 }

describe("a client program while its server goes away", budget, () => {
  it("rides through a server stop and start: open and newly opened streams resume with no gap or duplicate", async () => {
    server = await startRestartableServer({ agents: conformanceAgents }, alice)
    const running = await submit(server, "steps", { count: 40, delayMs: 100 })
    const client = launchClient(server.url, server.token, 60_000)
    await client.until((lines) => lines.some((line) => line.kind === "started"))
    client.send(`subscribe running ${running.id}`)
    await client.until((lines) => sawStatus(lines, "running", "running"))

    await server.stop()
    // Opened while nothing listens: it must wait for the server, not fail.
    const later = await submit(server, "steps", { count: 3, delayMs: 10 })
    client.send(`subscribe later ${later.id}`)
    // A call while disconnected is answered (with a retryable error), never left unhandled.
    client.send(`get ${running.id}`)
    await client.until((lines) => lines.some((line) => line.kind === "callFailed"))
    expect(client.lines.find((line) => line.kind === "callFailed")?.tag).toBe("Unavailable")
    // Let reconnection attempts fail against the closed port for a while.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(client.child.exitCode, client.stderr()).toBeNull()

    await server.start()
    await client.until((lines) => finalOf(lines, "running") !== undefined && finalOf(lines, "later") !== undefined)
    for (const stream of ["running", "later"]) {
      expect(finalOf(client.lines, stream)?.kind, client.stderr()).toBe("ended")
      const seqs = seqsOf(client.lines, stream)
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, at) => at + 1))
      expect(sawStatus(client.lines, stream, "completed")).toBe(true)
    }
    client.send("close")
    expect(await client.exited, client.stderr()).toBe(0)
    expect(client.stderr()).not.toMatch(/Unhandled|Unavailable/)
  })

  it("ends its streams with a typed Unavailable after the give-up time when the server never returns", async () => {
    server = await startRestartableServer({ agents: conformanceAgents }, alice)
    const blocked = await submit(server, "block", {})
    const client = launchClient(server.url, server.token, 2_000)
    await client.until((lines) => lines.some((line) => line.kind === "started"))
    client.send(`subscribe open ${blocked.id}`)
    await client.until((lines) => sawStatus(lines, "open", "running"))

    await server.stop()
    client.send(`subscribe during ${blocked.id}`)
    client.send(`get ${blocked.id}`)
    await client.until((lines) => finalOf(lines, "open") !== undefined && finalOf(lines, "during") !== undefined)
    for (const stream of ["open", "during"]) {
      expect(finalOf(client.lines, stream)).toMatchObject({ kind: "failed", tag: "Unavailable" })
    }
    await client.until((lines) => lines.some((line) => line.kind === "callFailed"))
    expect(client.lines.find((line) => line.kind === "callFailed")?.tag).toBe("Unavailable")
    client.send("close")
    expect(await client.exited, client.stderr()).toBe(0)
    expect(client.stderr()).not.toMatch(/Unhandled/)
  })

  it("ends a stream opened before the first connection with Unavailable when no server ever answers", async () => {
    server = await startRestartableServer({ agents: conformanceAgents }, alice)
    const url = server.url
    await server.stop()
    const client = launchClient(url, server.token, 1_500)
    await client.until((lines) => lines.some((line) => line.kind === "started"))
    client.send("subscribe never 0190a0a0-0000-7000-8000-000000000000")
    client.send("get 0190a0a0-0000-7000-8000-000000000000")
    await client.until((lines) => finalOf(lines, "never") !== undefined && lines.some((l) => l.kind === "callFailed"))
    expect(finalOf(client.lines, "never")).toMatchObject({ kind: "failed", tag: "Unavailable" })
    client.send("close")
    expect(await client.exited, client.stderr()).toBe(0)
  })
})
