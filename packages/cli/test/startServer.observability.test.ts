import { request } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { removeDir, tempDir } from "./support/harness.js"

let dir: string
let server: CoderclawServer

const get = (url: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const call = request(url, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
    })
    call.on("error", reject)
    call.end()
  })

beforeAll(async () => {
  dir = await tempDir("observability")
  server = await startServer({
    cwd: dir,
    config: { port: 0, database: "coderclaw.db", telemetry: { metrics: { port: 0 } } },
    builtins: false,
    env: {}
  })
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("coderclaw serve: probes and metrics (runtime.yaml's telemetry)", () => {
  it("answers /healthz and /readyz on its main port, without credentials", async () => {
    const http = server.url.replace("ws://", "http://")
    expect(await get(`${http}/healthz`)).toMatchObject({ status: 200 })
    const ready = await get(`${http}/readyz`)
    expect(ready.status).toBe(200)
    expect(JSON.parse(ready.body)).toMatchObject({ status: "ready" })
    // /metrics is not on the main port: no route group there answers it.
    expect((await get(`${http}/metrics`)).status).toBe(404)
  })

  it("serves /metrics on the listener telemetry.metrics names", async () => {
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    const scraped = await get(server.metricsUrl ?? "")
    expect(scraped.status).toBe(200)
    expect(scraped.body).toContain("# TYPE coderclaw_tasks gauge")
    expect(scraped.body).toContain('coderclaw_tasks{state="completed"} 0')
  })
})
