// Run by `memory.ts` as `node --expose-gc dist/memoryChild.js <options JSON>`: measures heap per task.
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defineAgent, InMemoryJournal } from "@coderclaw/runtime"
import { SqliteJournal } from "@coderclaw/store-sqlite"
import { taskMachine } from "@coderclaw/task-machine"
import { Effect } from "effect"
import { createActor } from "xstate"
import { report } from "./child.js"
import { benchPrincipal, echoAgent, startRuntime, timed } from "./driveRuntime.js"

interface Options {
  /**
   * `actors`: bare XState actors parked in `waiting` (the anchor); `live`/`passivated`: runtime tasks parked
   * in `waiting`; `finished`: tasks run to completion on the in-memory journal (throughput, and the heap
   * their history keeps).
   */
  readonly mode: "actors" | "live" | "passivated" | "finished"
  readonly tasks: number
}

const options = JSON.parse(process.argv[2] ?? "{}") as Options
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

/** Heap in use after full collections, once finalizers and weak references had a turn. */
const settledHeap = async () => {
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

const waitingAgent = defineAgent({
  id: "asker",
  name: "asker",
  run: (_input, context) => Effect.map(context.askInput("go on?"), (answer) => ({ answer }))
})

const measureActors = async () => {
  const before = await settledHeap()
  const actors = []
  for (let i = 0; i < options.tasks; i++) {
    const actor = createActor(taskMachine, { input: { maxAttempts: 1 } }).start()
    actor.send({ type: "plan" })
    actor.send({ type: "start" })
    actor.send({ type: "request_input", prompt: "go on?" })
    actors.push(actor)
  }
  const after = await settledHeap()
  report({ kind: "result", bytesPerTask: (after - before) / options.tasks, heapUsed: after, kept: actors.length })
}

const measureRuntime = async (passivateWaiting: boolean) => {
  const directory = await mkdtemp(join(tmpdir(), "coderclaw-bench-memory-"))
  // The journal is on disk, so the heap holds what the runtime keeps per task, not the tasks' history.
  // `normal` commits: durability does not change what is in memory, and setting up 100k tasks is faster.
  const mesh = await startRuntime(
    SqliteJournal.layer({ filename: join(directory, "journal.db"), synchronous: "normal" }),
    { agents: [echoAgent, waitingAgent], passivateWaiting, maxConcurrentTasks: 256, watch: false }
  )
  try {
    const park = async (count: number) => {
      let next = 0
      const submitter = async () => {
        while (next < count) {
          next++
          await mesh.managed.runPromise(
            mesh.runtime.submit(benchPrincipal, { agentId: "asker", description: "parks", input: null })
          )
        }
      }
      await Promise.all(Array.from({ length: 256 }, submitter))
    }
    const parked = async (count: number) => {
      for (;;) {
        const status = await mesh.managed.runPromise(mesh.runtime.status(benchPrincipal))
        if (status.tasks.waiting >= count) return
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    // Warm up (code compiled, caches at their steady size) with tasks parked the same way.
    const warm = 200
    await park(warm)
    await parked(warm)
    const before = await settledHeap()
    const started = performance.now()
    await park(options.tasks)
    await parked(warm + options.tasks)
    const parkedMs = performance.now() - started
    const after = await settledHeap()
    report({ kind: "result", bytesPerTask: (after - before) / options.tasks, heapUsed: after, parkedMs })
  } finally {
    await mesh.close()
    await rm(directory, { recursive: true, force: true })
  }
}

const measureFinished = async () => {
  const mesh = await startRuntime(InMemoryJournal.layer)
  try {
    await mesh.runTasks(200)
    const before = await settledHeap()
    const { seconds } = await timed(() => mesh.runTasks(options.tasks))
    const after = await settledHeap()
    report({
      kind: "result",
      bytesPerTask: (after - before) / options.tasks,
      heapUsed: after,
      tasksPerSecond: options.tasks / seconds
    })
  } finally {
    await mesh.close()
  }
}

if (options.mode === "actors") await measureActors()
else if (options.mode === "finished") await measureFinished()
else await measureRuntime(options.mode === "passivated")
