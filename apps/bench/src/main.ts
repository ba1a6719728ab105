// `pnpm bench`: every figure next to an anchor measured in the same run, on the same machine.
import { cpus } from "node:os"
import { measureWsEcho } from "./wsEcho.js"
import { measureWsLatency, measureWsThroughput } from "./wsTasks.js"

const round = (value: number, digits = 2) => Number(value.toFixed(digits))

const rows: Array<{ benchmark: string; result: string; anchor: string; ratio: string; target: string }> = []

console.log(`coderClaw bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`)

const echo = await measureWsEcho({ roundTrips: 5_000, pipelined: 50_000 })
const throughput = await measureWsThroughput({ tasks: 10_000, inFlight: 256 })
rows.push({
  benchmark: "WebSocket tasks/s (one connection, submit → completed)",
  result: `${Math.round(throughput.tasksPerSecond)} tasks/s`,
  anchor: `bare ws echo ${Math.round(echo.messagesPerSecond)} msg/s`,
  ratio: `${round(throughput.tasksPerSecond / echo.messagesPerSecond, 3)}`,
  target: "≥ 5,000 tasks/s"
})
const latency = await measureWsLatency({ ratePerSecond: 1_000, seconds: 3 })
rows.push({
  benchmark: "WebSocket submit → completed p50 at 1,000 tasks/s",
  result: `${round(latency.p50)} ms`,
  anchor: `bare ws echo round trip p50 ${round(echo.latency.p50, 3)} ms`,
  ratio: `${round(latency.p50 / echo.latency.p50, 1)}`,
  target: ""
})
rows.push({
  benchmark: "WebSocket submit → completed p99 at 1,000 tasks/s",
  result: `${round(latency.p99)} ms`,
  anchor: `bare ws echo round trip p99 ${round(echo.latency.p99, 3)} ms`,
  ratio: `${round(latency.p99 / echo.latency.p99, 1)}`,
  target: "≤ 10 ms"
})

console.table(rows)
