import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TaskRecord } from "@coderclaw/protocol"
import { until } from "@coderclaw/test-kit"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { countWebhookDelivery } from "../../src/index.js"
import { family, histogramCount, httpGet, sampleValue, scrape } from "./support/scrape.js"
import { releaseHeld, startObservedServer } from "./support/startObservedServer.js"

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const serve = async (maxConcurrentTasks?: number) => {
  const dir = mkdtempSync(join(tmpdir(), "coderclaw-metrics-"))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const server = await startObservedServer(
    join(dir, "journal.db"),
    maxConcurrentTasks === undefined ? {} : { maxConcurrentTasks }
  )
  cleanups.push(server.close)
  return server
}

const isFinal = (task: TaskRecord) => ["completed", "failed", "cancelled"].includes(task.status)

describe("/metrics", () => {
  it("moves with real tasks: tasks by state, attempts by outcome, journal appends, queue depth", async () => {
    const server = await serve()
    const client = server.client()
    const before = await scrape(server.metricsUrl)
    const tasks = await Promise.all([
      ...Array.from({ length: 5 }, (_, n) =>
        client.submit({ agentId: "shout", description: `shout ${n}`, input: `hi ${n}` })
      ),
      client.submit({ agentId: "refuse", description: "refuses", input: null })
    ])
    await until(async () => (await Promise.all(tasks.map((task) => client.get(task.id)))).every(isFinal), {
      timeoutMs: 60_000,
      what: "every task to end"
    })
    const after = await scrape(server.metricsUrl)

    expect(family(after, "coderclaw_tasks")?.type).toBe("GAUGE")
    expect(sampleValue(after, "coderclaw_tasks", { state: "completed" })).toBe(5)
    expect(sampleValue(after, "coderclaw_tasks", { state: "failed" })).toBe(1)
    expect(sampleValue(after, "coderclaw_tasks", { state: "running" })).toBe(0)

    expect(family(after, "coderclaw_attempt_duration_seconds")?.type).toBe("HISTOGRAM")
    const attempts = (outcome: string, agent: string) => ({ agent, outcome })
    expect(
      histogramCount(after, "coderclaw_attempt_duration_seconds", attempts("completed", "shout")) -
        histogramCount(before, "coderclaw_attempt_duration_seconds", attempts("completed", "shout"))
    ).toBe(5)
    expect(
      histogramCount(after, "coderclaw_attempt_duration_seconds", attempts("failed", "refuse")) -
        histogramCount(before, "coderclaw_attempt_duration_seconds", attempts("failed", "refuse"))
    ).toBe(1)
    // Each task appends at least its creation, its start and its end.
    expect(
      histogramCount(after, "coderclaw_journal_append_duration_seconds") -
        histogramCount(before, "coderclaw_journal_append_duration_seconds")
    ).toBeGreaterThanOrEqual(6 * 3)
  }, 120_000)

  it("shows the queue depth per agent while tasks wait for a slot, and 0 once they ran", async () => {
    const server = await serve(1)
    const client = server.client()
    const tasks = await Promise.all(
      Array.from({ length: 3 }, (_, n) => client.submit({ agentId: "hold", description: `hold ${n}` }))
    )
    const depth = async () => sampleValue(await scrape(server.metricsUrl), "coderclaw_queue_depth", { agent: "hold" })
    // One task holds the only slot; the other two wait in the queue.
    await until(async () => (await depth()) === 2, { timeoutMs: 30_000, what: "two tasks queued" })
    expect(family(await scrape(server.metricsUrl), "coderclaw_queue_depth")?.type).toBe("GAUGE")
    expect(sampleValue(await scrape(server.metricsUrl), "coderclaw_tasks", { state: "running" })).toBe(1)
    releaseHeld()
    await until(async () => (await Promise.all(tasks.map((task) => client.get(task.id)))).every(isFinal), {
      timeoutMs: 60_000,
      what: "the held tasks to end"
    })
    expect(await depth()).toBe(0)
  }, 120_000)

  it("counts WebSocket connections and refused logins", async () => {
    const server = await serve()
    const before = await scrape(server.metricsUrl)
    const failures = (families: typeof before) =>
      sampleValue(families, "coderclaw_auth_failures_total", { transport: "ws", reason: "invalid_credentials" })
    const intruder = server.client({ secret: "not-her-password" })
    await expect(intruder.listAgents()).rejects.toMatchObject({ _tag: "Unauthenticated" })
    await until(async () => failures(await scrape(server.metricsUrl)) === failures(before) + 1, {
      timeoutMs: 30_000,
      what: "the refused login to be counted"
    })
    const after = await scrape(server.metricsUrl)
    expect(family(after, "coderclaw_auth_failures_total")?.type).toBe("COUNTER")

    const connectionsBefore = sampleValue(after, "coderclaw_ws_connections")
    const client = server.client()
    await client.listAgents()
    expect(sampleValue(await scrape(server.metricsUrl), "coderclaw_ws_connections")).toBe(connectionsBefore + 1)
    client.close()
    await until(
      async () => sampleValue(await scrape(server.metricsUrl), "coderclaw_ws_connections") === connectionsBefore,
      {
        timeoutMs: 30_000,
        what: "the closed connection to be uncounted"
      }
    )
  }, 120_000)

  it("is served only on its own listener, in the Prometheus text format, read-only", async () => {
    const server = await serve()
    const scraped = await httpGet(server.metricsUrl)
    expect(scraped.status).toBe(200)
    expect(scraped.contentType).toContain("text/plain")
    expect(scraped.body).toContain("# TYPE coderclaw_tasks gauge")
    expect((await httpGet(server.metricsUrl, "POST")).status).toBe(405)
    expect((await httpGet(server.metricsUrl.replace("/metrics", "/other"))).status).toBe(404)
    // The webhook delivery counter is exported as the outbox counts.
    const delivered = (families: Awaited<ReturnType<typeof scrape>>) =>
      sampleValue(families, "coderclaw_webhook_deliveries_total", { outcome: "delivered" })
    const deliveredBefore = delivered(await scrape(server.metricsUrl))
    Effect.runSync(countWebhookDelivery("delivered"))
    expect(delivered(await scrape(server.metricsUrl))).toBe(deliveredBefore + 1)
    // The main port does not serve it: plain HTTP there other than the probes is refused.
    expect((await httpGet(`${server.httpUrl}/metrics`)).status).toBe(426)
  }, 60_000)
})
