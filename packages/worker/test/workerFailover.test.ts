import { fileURLToPath } from "node:url"
import { killTracked, type LaunchedProcess, launchJsonLines } from "@coderclaw/process-harness"
import type { RuntimeClient, TaskRecord } from "@coderclaw/protocol"
import { until } from "@coderclaw/test-kit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startWorkerMesh, type WorkerMesh } from "./support/workerMesh.js"

// Server + 3 worker processes; 300 tasks; one worker is killed with SIGKILL while it runs attempts. Every task
// must complete exactly once; the dead worker's attempts run again as attempt 2 from their checkpoints; what
// the dead lease sends later is refused.

const workerScript = fileURLToPath(new URL("./fixtures/workerProcess.mjs", import.meta.url))
const taskCount = 300

let mesh: WorkerMesh

beforeAll(async () => {
  mesh = await startWorkerMesh({
    users: [
      ["alice", ["developer"]],
      ["host", ["worker"]]
    ]
  })
})

afterAll(async () => {
  await killTracked()
  await mesh?.close()
})

const linesOf = (worker: LaunchedProcess, kind: string) => worker.lines.filter((line) => line.kind === kind)

/** The task's status changes, from its history, until it ended. */
const finalEvents = async (client: RuntimeClient, taskId: string) => {
  const finals: Array<string> = []
  for await (const envelope of client.subscribe(taskId, { afterSeq: 0 })) {
    const event = envelope.event
    if (event.type === "status_changed" && ["completed", "failed", "cancelled"].includes(event.to))
      finals.push(event.to)
  }
  return finals
}

describe("workers in their own processes", () => {
  it("finishes every task exactly once when a worker is killed mid-task, re-running its attempts elsewhere", async () => {
    const workers = await Promise.all(
      ["w1", "w2", "w3"].map(async (name) =>
        launchJsonLines(workerScript, [mesh.server.url, await mesh.login("host"), name, "4"])
      )
    )
    await Promise.all(
      workers.map((worker) => worker.until((lines) => lines.some((line) => line.kind === "ready"), 30_000))
    )
    const alice = await mesh.connect("alice")
    const submitted: Array<TaskRecord> = []
    for (let n = 0; n < taskCount; n++)
      submitted.push(await alice.submit({ agentId: "steps", description: `step ${n}`, input: { ms: 250 } }))

    const [victim, ...survivors] = workers as [LaunchedProcess, ...Array<LaunchedProcess>]
    await victim.until((lines) => lines.filter((line) => line.kind === "checkpointed").length >= 6, 60_000)
    victim.child.kill("SIGKILL")
    const killedAt = Date.now()
    await victim.exited

    const ended = new Set(linesOf(victim, "ended").map((line) => line.leaseId))
    const inFlight = linesOf(victim, "dispatched").filter((line) => !ended.has(line.leaseId))
    const checkpointed = new Set(linesOf(victim, "checkpointed").map((line) => line.taskId))
    expect(inFlight.length).toBeGreaterThan(0)

    // A late message under a dead lease (sent for it from another connection of the same principal) is refused.
    const deadLease = String(inFlight[0]?.leaseId)
    const impostor = await mesh.connect("host")
    await impostor.request("worker.register", { name: "late", agents: [], skills: [], concurrency: 1 })

    await until(
      async () => {
        const records = await Promise.all(submitted.map((task) => alice.get(task.id)))
        return records.every((record) => record.status === "completed")
      },
      { timeoutMs: 120_000, what: "every task to complete", intervalMs: 250 }
    )
    const late = await impostor
      .request("worker.report", { leaseId: deadLease, report: { type: "progress", percent: 99 } })
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect(late).toMatchObject({ _tag: "LeaseLost" })

    for (const task of submitted) expect(await finalEvents(alice, task.id)).toEqual(["completed"])
    for (const line of inFlight) {
      const record = await alice.get(String(line.taskId))
      // Attempt 2, and one more attempt allowed: losing the worker did not use up the retry budget.
      expect(record).toMatchObject({ status: "completed", attempt: 2, maxAttempts: 4 })
      const result = record.result as { resumedFrom: unknown; by: string }
      expect(result.by).not.toBe("w1")
      if (checkpointed.has(line.taskId)) expect(result.resumedFrom).toEqual({ checkpointedBy: 1 })
    }
    const redispatched = survivors
      .flatMap((worker) => linesOf(worker, "dispatched"))
      .filter((line) => line.attempt === 2)
      .map((line) => Number(line.at))
    console.log(
      `worker failover: ${inFlight.length} attempts of the killed worker re-dispatched ${Math.min(...redispatched) - killedAt} ms after SIGKILL`
    )
  }, 240_000)
})
