import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type IncomingHttpHeaders } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeDecoder } from "@coderclaw/protocol"
import { spanNames } from "@coderclaw/runtime"
import { until } from "@coderclaw/test-kit"
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { Effect, Result, Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { TelemetryConfig, tracingLayer } from "../../src/index.js"
import { startObservedServer } from "./support/startObservedServer.js"

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
const callerSpanId = "00f067aa0ba902b7"

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId
const idOf = (span: ReadableSpan) => span.spanContext().spanId

describe("traces", () => {
  it("continue a client's traceparent over WebSocket through submit → dispatch → attempt → skill → journal append", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderclaw-traces-"))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const exporter = new InMemorySpanExporter()
    const server = await startObservedServer(join(dir, "journal.db"), { spanExporter: exporter })
    cleanups.push(server.close)
    const client = server.client({ traceparent: `00-${traceId}-${callerSpanId}-01` })

    const task = await client.submit({ agentId: "shout", description: "traced", input: "hello" })
    await until(async () => (await client.get(task.id)).status === "completed", {
      timeoutMs: 60_000,
      what: "the traced task to complete"
    })
    const inTrace = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId)
    // The attempt span ends after the task's final append was stored: wait for it to be exported.
    await until(() => inTrace().some((span) => span.name === spanNames.attempt), {
      timeoutMs: 30_000,
      what: "the attempt span"
    })
    const spans = inTrace()
    const named = (name: string) => {
      const found = spans.filter((span) => span.name === name)
      expect(found, `spans named ${name}`).not.toHaveLength(0)
      return found
    }
    const [request] = named("ws task.submit")
    const [submit] = named(spanNames.submit)
    const [dispatch] = named(spanNames.dispatch)
    const [attempt] = named(spanNames.attempt)
    const [skill] = named(spanNames.skill)
    if (!request || !submit || !dispatch || !attempt || !skill) throw new Error("unreachable")

    expect(parentOf(request)).toBe(callerSpanId)
    expect(request.attributes["rpc.method"]).toBe("task.submit")
    expect(parentOf(submit)).toBe(idOf(request))
    expect(submit.attributes["coderclaw.task_id"]).toBe(task.id)
    expect(parentOf(dispatch)).toBe(idOf(submit))
    expect(parentOf(attempt)).toBe(idOf(dispatch))
    expect(attempt.attributes).toMatchObject({ "coderclaw.task_id": task.id, "coderclaw.attempt": 1 })
    expect(parentOf(skill)).toBe(idOf(attempt))
    expect(skill.attributes["coderclaw.skill_id"]).toBe("text.upper")
    // The `created` event is appended under the submit; the skill's log line and the result under the attempt.
    const appends = named(spanNames.journalAppend)
    expect(appends.map(parentOf)).toContain(idOf(submit))
    expect(
      appends.filter((span) => parentOf(span) === idOf(skill) || parentOf(span) === idOf(attempt))
    ).not.toHaveLength(0)
    // The resource names the service.
    expect(request.resource.attributes["service.name"]).toBe("coderclaw-test")

    // A call without trace context starts a trace of its own.
    const untraced = server.client()
    await untraced.listAgents()
    await until(() => exporter.getFinishedSpans().some((span) => span.name === "ws agent.list"), {
      timeoutMs: 30_000,
      what: "the untraced call's span"
    })
    const listed = exporter.getFinishedSpans().find((span) => span.name === "ws agent.list")
    expect(listed?.spanContext().traceId).not.toBe(traceId)
  }, 120_000)

  it("refuses a malformed traceparent with -32602 naming the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderclaw-traces-"))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const server = await startObservedServer(join(dir, "journal.db"))
    cleanups.push(server.close)
    const client = server.client({ traceparent: "00-not-a-trace-01" })
    const refused = await client.listAgents().then(
      () => undefined,
      (error: unknown) => error
    )
    expect(refused).toMatchObject({ _tag: "InvalidRequest" })
    expect(String((refused as Error).message)).toContain("_meta.traceparent")
  }, 60_000)

  it("are exported with OTLP/HTTP as runtime.yaml configures: endpoint, service name, headers from the environment", async () => {
    const received: Array<{ path: string | undefined; headers: IncomingHttpHeaders; body: string }> = []
    const receiver = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        received.push({ path: request.url, headers: request.headers, body: Buffer.concat(chunks).toString("utf8") })
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve))
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())))
    const address = receiver.address()
    const port = typeof address === "object" && address !== null ? address.port : 0

    // As `telemetry:` in runtime.yaml decodes.
    const telemetry = Schema.decodeUnknownSync(TelemetryConfig)({
      traces: {
        endpoint: `http://127.0.0.1:${port}/v1/traces`,
        serviceName: "coderclaw-otlp-test",
        headersFromEnv: { "x-api-key": "CODERCLAW_TEST_OTLP_KEY" }
      }
    })
    await Effect.runPromise(
      Effect.void.pipe(
        Effect.withSpan("exported-span"),
        Effect.provide(tracingLayer(telemetry.traces, { CODERCLAW_TEST_OTLP_KEY: "s3cret" }))
      )
    )
    // Closing the layer flushed the batch.
    await until(() => received.length > 0, { timeoutMs: 30_000, what: "the OTLP export" })
    const [exported] = received
    expect(exported?.path).toBe("/v1/traces")
    expect(exported?.headers["x-api-key"]).toBe("s3cret")
    expect(exported?.body).toContain("exported-span")
    expect(exported?.body).toContain("coderclaw-otlp-test")
  }, 60_000)

  it("refuse a telemetry section with a bad endpoint, header name or variable name, as runtime.yaml is decoded", () => {
    const decode = makeDecoder(TelemetryConfig, "telemetry")
    const issues = (input: unknown) => {
      const decoded = decode(input)
      return Result.isFailure(decoded) ? decoded.failure.message : "decoded"
    }
    expect(issues({ traces: { endpoint: "ftp://x" } })).toMatch(/traces\.endpoint.*http/)
    const endpoint = "http://127.0.0.1:4318/v1/traces"
    expect(issues({ traces: { endpoint, headersFromEnv: { "bad header": "X" } } })).toMatch(/bad header/)
    expect(issues({ traces: { endpoint, headersFromEnv: { "x-key": "NOT-A-NAME" } } })).toMatch(/environment variable/)
    expect(issues({ metrics: { port: 70_000 } })).toMatch(/metrics\.port/)
  })
})
