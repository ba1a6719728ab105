import { cpus, totalmem } from "node:os"
import { measureA2aGateway, measureA2aSdkServer } from "./a2aHttp.js"
import { measureAuthorization } from "./authorization.js"
import { measureDurable } from "./durable.js"
import { measureA2A, measureBareXState, measureRuntimeLifecycle } from "./lifecycle.js"
import { measureHeapPerTask } from "./memory.js"
import { measurePostgres } from "./postgres.js"
import { measureRecovery } from "./recovery.js"
import type { Results, Row } from "./report.js"
import { measureFailover, measureWorkerThroughput } from "./workers.js"
import { measureWsEcho } from "./wsEcho.js"
import { measureWsLatency, measureWsThroughput } from "./wsTasks.js"

/** What the suite runs: `quick` is the smoke run CI executes (seconds, small counts; figures not meaningful). */
export interface SuiteOptions {
  readonly quick: boolean
  /** Called when a section starts, e.g. to print progress. */
  readonly onSection?: (name: string) => void
  /** Also park 1,000,000 passivated tasks (minutes and a few GB of disk). */
  readonly million?: boolean
}

const tasksPerSecond = (value: number) => ({ value, unit: "tasks/s" })
const kib = (bytes: number) => ({ value: bytes / 1024, unit: "KiB/task" })
const ms = (value: number) => ({ value, unit: "ms" })

type Section = (options: SuiteOptions, rows: Array<Row>) => Promise<void>

/** Local lifecycle: the runtime against a bare XState loop and `@a2a-js/sdk`, same work, same run. */
const lifecycle: Section = async ({ quick }, rows) => {
  const counts = quick ? { tasks: 500, warmup: 100 } : { tasks: 20_000, warmup: 2_000 }
  const xstate = measureBareXState(quick ? counts : { tasks: 100_000, warmup: 10_000 })
  const a2a = await measureA2A(counts)
  const runtime = await measureRuntimeLifecycle(counts)
  const benchmark = "local lifecycle, in-memory journal, trivial agent (submit → completed)"
  rows.push({
    section: "lifecycle",
    benchmark,
    result: tasksPerSecond(runtime.tasksPerSecond),
    anchor: { name: "bare XState loop, same transitions", ...tasksPerSecond(xstate.tasksPerSecond) },
    ratio: runtime.tasksPerSecond / xstate.tasksPerSecond,
    target: "≥ 0.5× bare XState",
    met: runtime.tasksPerSecond >= 0.5 * xstate.tasksPerSecond,
    note: `${Math.round(runtime.cpuMicrosPerTask)} µs CPU per task`
  })
  rows.push({
    section: "lifecycle",
    benchmark,
    result: tasksPerSecond(runtime.tasksPerSecond),
    anchor: { name: "@a2a-js/sdk handler + InMemoryTaskStore", ...tasksPerSecond(a2a.tasksPerSecond) },
    ratio: runtime.tasksPerSecond / a2a.tasksPerSecond,
    target: "ahead of @a2a-js/sdk",
    met: runtime.tasksPerSecond > a2a.tasksPerSecond,
    note: `${Math.round(a2a.cpuMicrosPerTask)} µs CPU per A2A task`
  })
  const durable = await measureDurable(quick ? counts : { tasks: 20_000, warmup: 2_000 })
  rows.push({
    section: "durable",
    benchmark: "SQLite journal, synchronous full (fsync per commit), group commit",
    result: tasksPerSecond(durable.tasksPerSecond),
    anchor: { name: "in-memory journal (above)", ...tasksPerSecond(runtime.tasksPerSecond) },
    ratio: durable.tasksPerSecond / runtime.tasksPerSecond,
    target: "≥ 5,000 tasks/s",
    met: durable.tasksPerSecond >= 5_000,
    note: `${Math.round(durable.cpuMicrosPerTask)} µs CPU per task`
  })
}

/** WebSocket: one connection, against a bare `ws` echo over the same loopback. */
const websocket: Section = async ({ quick }, rows) => {
  const echo = await measureWsEcho(
    quick ? { roundTrips: 200, pipelined: 2_000 } : { roundTrips: 5_000, pipelined: 50_000 }
  )
  const throughput = await measureWsThroughput({ tasks: quick ? 500 : 20_000, inFlight: 256 })
  rows.push({
    section: "websocket",
    benchmark: "tasks/s over one connection (submit → completed)",
    result: tasksPerSecond(throughput.tasksPerSecond),
    anchor: { name: "bare ws echo", value: echo.messagesPerSecond, unit: "msg/s" },
    ratio: throughput.tasksPerSecond / echo.messagesPerSecond,
    target: "≥ 5,000 tasks/s",
    met: throughput.tasksPerSecond >= 5_000
  })
  const latency = await measureWsLatency(
    quick
      ? { ratePerSecond: 200, seconds: 0.5, warmupSeconds: 0.2 }
      : { ratePerSecond: 1_000, seconds: 5, warmupSeconds: 1 }
  )
  const rate = quick ? "200" : "1,000"
  rows.push({
    section: "websocket",
    benchmark: `submit → completed p50 at ${rate} tasks/s`,
    result: ms(latency.p50),
    anchor: { name: "bare ws echo round trip p50", ...ms(echo.latency.p50) },
    ratio: latency.p50 / echo.latency.p50
  })
  rows.push({
    section: "websocket",
    benchmark: `submit → completed p99 at ${rate} tasks/s`,
    result: ms(latency.p99),
    anchor: { name: "bare ws echo round trip p99", ...ms(echo.latency.p99) },
    ratio: latency.p99 / echo.latency.p99,
    target: "≤ 10 ms",
    met: latency.p99 <= 10
  })
}

/** Workers: dispatch through one worker against the same agent in the server's process; lease failover. */
const workers: Section = async ({ quick }, rows) => {
  const throughput = await measureWorkerThroughput({ tasks: quick ? 300 : 10_000, inFlight: 64 })
  rows.push({
    section: "workers",
    benchmark: "trivial agent on one worker, over loopback (submit → completed)",
    result: tasksPerSecond(throughput.onWorker),
    anchor: { name: "same agent in the server's process", ...tasksPerSecond(throughput.inProcess) },
    ratio: throughput.onWorker / throughput.inProcess
  })
  const closed = await measureFailover("closed")
  const silent = quick ? undefined : await measureFailover("silent")
  rows.push({
    section: "workers",
    benchmark: "failover: worker's connection closed (killed process) → attempt 2 on another worker",
    result: ms(closed),
    anchor: { name: "lease lifetime + sweep (default)", ...ms(8_500) },
    ratio: closed / 8_500
  })
  if (silent !== undefined)
    rows.push({
      section: "workers",
      benchmark: "failover: worker silent, connection open (lost network) → attempt 2 on another worker",
      result: ms(silent),
      anchor: { name: "lease lifetime + sweep (default)", ...ms(8_500) },
      ratio: silent / 8_500,
      target: "≤ 10,000 ms",
      met: silent <= 10_000
    })
}

/** Memory: heap per parked task, each measured in its own process with `--expose-gc`. */
const memory: Section = async ({ quick, million }, rows) => {
  const live = quick ? 500 : 10_000
  const actors = await measureHeapPerTask("actors", live)
  const waiting = await measureHeapPerTask("live", live)
  const anchor = { name: "bare XState actor parked in waiting", ...kib(actors.bytesPerTask) }
  rows.push({
    section: "memory",
    benchmark: `heap per live waiting task (${live.toLocaleString("en-US")} waiting for input)`,
    result: kib(waiting.bytesPerTask),
    anchor,
    ratio: waiting.bytesPerTask / actors.bytesPerTask,
    target: "≤ 4 KiB",
    met: waiting.bytesPerTask <= 4 * 1024
  })
  const parkedCounts = quick ? [500] : million ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]
  for (const count of parkedCounts) {
    const passivated = await measureHeapPerTask("passivated", count)
    rows.push({
      section: "memory",
      benchmark: `heap per passivated task (${count.toLocaleString("en-US")} parked)`,
      result: kib(passivated.bytesPerTask),
      anchor: { name: "live waiting task (above)", ...kib(waiting.bytesPerTask) },
      ratio: passivated.bytesPerTask / waiting.bytesPerTask,
      target: "≈ 0",
      met: passivated.bytesPerTask <= 256,
      note: `parked in ${((passivated.parkedMs ?? 0) / 1000).toFixed(1)} s`
    })
  }
}

/** Recovery after `kill -9`, in real child processes on a real SQLite file. */
const recovery: Section = async ({ quick }, rows) => {
  const tasks = quick ? 200 : 10_000
  const result = await measureRecovery(tasks)
  const anchor = { name: "same process start, empty journal", ...ms(result.emptyStartMs) }
  rows.push({
    section: "recovery",
    benchmark: `${tasks.toLocaleString("en-US")} in-flight tasks after kill -9: runtime ready (recovered)`,
    result: ms(result.recoveredMs),
    anchor,
    ratio: result.recoveredMs / result.emptyStartMs
  })
  rows.push({
    section: "recovery",
    benchmark: `${tasks.toLocaleString("en-US")} in-flight tasks after kill -9: all resumed and completed`,
    result: ms(result.doneMs),
    anchor,
    ratio: result.doneMs / result.emptyStartMs,
    target: "≤ 3,000 ms",
    met: result.doneMs <= 3_000,
    note: "from the new process's start (node start-up included)"
  })
}

/** Scaling: the same lifecycle from 1k to 100k tasks; throughput, and the heap the in-memory history keeps. */
const scaling: Section = async ({ quick }, rows) => {
  const counts = quick ? [200, 1_000] : [1_000, 10_000, 100_000]
  let first: { readonly tasksPerSecond: number } | undefined
  for (const count of counts) {
    const run = await measureHeapPerTask("finished", count)
    const throughput = run.tasksPerSecond ?? 0
    first ??= { tasksPerSecond: throughput }
    rows.push({
      section: "scaling",
      benchmark: `${count.toLocaleString("en-US")} tasks, in-memory journal`,
      result: tasksPerSecond(throughput),
      anchor: {
        name: `${counts[0]?.toLocaleString("en-US")} tasks (first point)`,
        ...tasksPerSecond(first.tasksPerSecond)
      },
      ratio: throughput / first.tasksPerSecond,
      note: `history kept on the heap: ${(run.bytesPerTask / 1024).toFixed(2)} KiB/task, ${(run.heapUsed / 2 ** 20).toFixed(0)} MiB in use`
    })
  }
}

/** PostgreSQL (a throwaway server started for the run): durable throughput, recovery, follow latency. */
const postgres: Section = async ({ quick }, rows) => {
  const pg = await measurePostgres({ quick })
  rows.push({
    section: "postgres",
    benchmark: "PostgreSQL journal, group commit (submit → completed)",
    result: tasksPerSecond(pg.durable.tasksPerSecond),
    anchor: { name: "SQLite journal, synchronous full, same run", ...tasksPerSecond(pg.sqlite.tasksPerSecond) },
    ratio: pg.durable.tasksPerSecond / pg.sqlite.tasksPerSecond,
    note: `${Math.round(pg.durable.cpuMicrosPerTask)} µs runtime CPU per task (the server's own CPU not counted)`
  })
  const anchor = { name: "same process start, empty schema", ...ms(pg.recovery.emptyStartMs) }
  rows.push({
    section: "postgres",
    benchmark: `${pg.recoveryTasks.toLocaleString("en-US")} in-flight tasks after kill -9 on PostgreSQL: all resumed and completed`,
    result: ms(pg.recovery.doneMs),
    anchor,
    ratio: pg.recovery.doneMs / pg.recovery.emptyStartMs,
    note: `runtime ready (recovered) at ${Math.round(pg.recovery.recoveredMs)} ms`
  })
  rows.push({
    section: "postgres",
    benchmark: "follow latency p50: append → subscriber on another connection (LISTEN/NOTIFY)",
    result: ms(pg.follow.p50),
    anchor: { name: "the append's own commit p50", ...ms(pg.append.p50) },
    ratio: pg.follow.p50 / pg.append.p50
  })
  rows.push({
    section: "postgres",
    benchmark: "follow latency p99: append → subscriber on another connection (LISTEN/NOTIFY)",
    result: ms(pg.follow.p99),
    anchor: { name: "the append's own commit p99", ...ms(pg.append.p99) },
    ratio: pg.follow.p99 / pg.append.p99
  })
}

const decisionsPerSecond = (value: number) => ({ value, unit: "decisions/s" })

/** Authorization: the role gate, Cedar policy decisions and ID-token verification, each against its floor. */
const authorization: Section = async ({ quick }, rows) => {
  const figures = await measureAuthorization({ quick })
  rows.push({
    section: "authorization",
    benchmark: "role gate (roles → permission bitmask)",
    result: decisionsPerSecond(figures.roleGatePerSecond),
    anchor: { name: "Set#has on a precomputed permission set", ...decisionsPerSecond(figures.setLookupPerSecond) },
    ratio: figures.roleGatePerSecond / figures.setLookupPerSecond,
    target: "≥ 1,000,000 decisions/s",
    met: figures.roleGatePerSecond >= 1_000_000
  })
  rows.push({
    section: "authorization",
    benchmark: "per-call session check (revision read on SQLite + cached session)",
    result: { value: figures.sessionCheckPerSecond, unit: "checks/s" },
    anchor: { name: "role gate, same run", ...decisionsPerSecond(figures.roleGatePerSecond) },
    ratio: figures.sessionCheckPerSecond / figures.roleGatePerSecond
  })
  rows.push({
    section: "authorization",
    benchmark: "Cedar policy decision, cached per session and policy version",
    result: decisionsPerSecond(figures.cedarCachedPerSecond),
    anchor: { name: "Cedar decision, uncached", ...decisionsPerSecond(figures.cedarUncachedPerSecond) },
    ratio: figures.cedarCachedPerSecond / figures.cedarUncachedPerSecond
  })
  rows.push({
    section: "authorization",
    benchmark: "OIDC ID-token verification (ES256, all checks)",
    result: { value: figures.jwtVerifierPerSecond, unit: "tokens/s" },
    anchor: { name: "bare jose.jwtVerify, key in hand", value: figures.joseVerifyPerSecond, unit: "tokens/s" },
    ratio: figures.jwtVerifierPerSecond / figures.joseVerifyPerSecond
  })
}

/** A2A over HTTP: the gateway against our WebSocket transport and against the SDK's own default server. */
const a2aHttp: Section = async ({ quick }, rows) => {
  const counts = quick ? { tasks: 200, warmup: 50, inFlight: 32 } : { tasks: 5_000, warmup: 500, inFlight: 32 }
  const gateway = await measureA2aGateway(counts)
  const ws = await measureWsThroughput({ tasks: counts.tasks, inFlight: counts.inFlight })
  const sdk = await measureA2aSdkServer(counts)
  const benchmark = `A2A SendMessage over HTTP (JSON-RPC, blocking), submit → completed, ${counts.inFlight} in flight`
  rows.push({
    section: "a2a",
    benchmark,
    result: tasksPerSecond(gateway.tasksPerSecond),
    anchor: { name: "same runtime over WebSocket, one connection", ...tasksPerSecond(ws.tasksPerSecond) },
    ratio: gateway.tasksPerSecond / ws.tasksPerSecond
  })
  rows.push({
    section: "a2a",
    benchmark,
    result: tasksPerSecond(gateway.tasksPerSecond),
    anchor: {
      name: "@a2a-js/sdk default server (InMemoryTaskStore), same client",
      ...tasksPerSecond(sdk.tasksPerSecond)
    },
    ratio: gateway.tasksPerSecond / sdk.tasksPerSecond,
    note: "ours journals every step and authenticates and authorizes each request; the SDK's keeps the task in memory"
  })
}

const sections: ReadonlyArray<readonly [string, Section]> = [
  ["lifecycle and durable", lifecycle],
  ["websocket", websocket],
  ["a2a", a2aHttp],
  ["workers", workers],
  ["memory", memory],
  ["recovery", recovery],
  ["postgres", postgres],
  ["scaling", scaling],
  ["authorization", authorization]
]

/** Runs every benchmark in order and returns the rows with the machine they ran on. */
export const runSuite = async (options: SuiteOptions): Promise<Results> => {
  const startedAt = new Date()
  const started = performance.now()
  const rows: Array<Row> = []
  for (const [name, section] of sections) {
    options.onSection?.(name)
    await section(options, rows)
  }
  return {
    quick: options.quick,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30)
    },
    rows
  }
}
