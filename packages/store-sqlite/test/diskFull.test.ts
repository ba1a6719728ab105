import { execFileSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TaskRecord } from "@coderclaw/protocol"
import { Authorizer, defineAgent, Runtime, type RuntimeShape } from "@coderclaw/runtime"
import { alice, until } from "@coderclaw/test-kit"
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { SqliteJournal } from "../src/index.js"

/** Mounting a tmpfs needs root (or CAP_SYS_ADMIN); where it is refused the test is skipped, saying why. */
const mountRefused = ((): string | undefined => {
  if (process.platform !== "linux") return "tmpfs mounts need Linux"
  const probe = mkdtempSync(join(tmpdir(), "coderclaw-tmpfs-probe-"))
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe], { stdio: "pipe" })
    execFileSync("umount", [probe], { stdio: "pipe" })
    return undefined
  } catch (error) {
    return `cannot mount a tmpfs here (${(error as Error).message.split("\n")[0]})`
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
})()
if (mountRefused !== undefined) console.warn(`skipping the disk-full test: ${mountRefused}`)

/** Writes zeros into `path` until the file system refuses (ENOSPC); returns the bytes written. */
const fillDisk = (path: string): number => {
  const fd = openSync(path, "w")
  const chunk = Buffer.alloc(64 * 1024)
  let written = 0
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOSPC") break
        throw error
      }
    }
    // The last partial blocks too, so not even one page of the journal fits.
    for (const size of [4096, 512, 1]) {
      try {
        for (;;) written += writeSync(fd, chunk.subarray(0, size))
      } catch {}
    }
  } finally {
    closeSync(fd)
  }
  return written
}

describe.skipIf(mountRefused !== undefined)("a SQLite journal on a disk that fills up (tmpfs)", () => {
  it("finishes every task and runs new ones after the disk had no room for a while, without a restart", async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), "coderclaw-disk-full-"))
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint])
    let managed: ManagedRuntime.ManagedRuntime<Runtime, unknown> | undefined
    try {
      // An agent that keeps writing: progress with a sizeable message, a checkpoint, then its result.
      const writer = defineAgent({
        id: "writer",
        name: "writer",
        run: (input, ctx) =>
          Effect.gen(function* () {
            for (let step = 1; step <= 20; step++) {
              yield* ctx.progress(step * 5, `step ${step} `.padEnd(800, "."))
              yield* ctx.saveCheckpoint({ step })
              yield* Effect.sleep(5)
            }
            return input
          })
      })
      managed = ManagedRuntime.make(
        Runtime.layer({
          agents: [writer],
          maxConcurrentTasks: 4,
          journalRetry: { initialDelayMs: 5, factor: 2, maxDelayMs: 100 },
          journalWaitMs: 200
        }).pipe(
          Layer.provide(
            Layer.merge(SqliteJournal.layer({ filename: join(mountPoint, "journal.db") }), Authorizer.permissive)
          )
        )
      )
      const runtime = managed
      const call = <A, E>(use: (r: RuntimeShape) => Effect.Effect<A, E>) =>
        runtime.runPromise(
          Effect.gen(function* () {
            return yield* use(yield* Runtime)
          })
        )
      const journalCheck = async () =>
        (await call((r) => r.status(alice))).health.checks.find((check) => check.name === "journal-writable")?.state

      const tasks = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          call((r) => r.submit(alice, { agentId: "writer", description: `task ${n}`, input: n }))
        )
      )
      await until(async () => (await call((r) => r.get(alice, tasks[0]?.id ?? ""))).status === "running", {
        timeoutMs: 60_000,
        what: "the first task to run"
      })

      const filler = join(mountPoint, "filler")
      expect(fillDisk(filler)).toBeGreaterThan(0)
      await until(async () => (await journalCheck()) === "failing", {
        timeoutMs: 60_000,
        what: "the journal check to fail"
      })
      // A submit during the outage is answered, bounded, with a retryable Unavailable.
      const refused = await call((r) => Effect.flip(r.submit(alice, { agentId: "writer", description: "late" })))
      expect(refused._tag).toBe("Unavailable")
      // The outage lasts a while (longer than the agents' own retries would), then the room comes back.
      await new Promise((resolve) => setTimeout(resolve, 2_000))
      expect(await journalCheck()).toBe("failing")
      rmSync(filler)
      const settled = async (id: string): Promise<TaskRecord> => {
        // Bounded, so a regression fails here and the tmpfs is still unmounted below.
        await call((r) => Stream.runDrain(r.subscribe(alice, id)).pipe(Effect.timeout("90 seconds")))
        return call((r) => r.get(alice, id))
      }
      const ended = await Promise.all(tasks.map((task) => settled(task.id)))
      expect(ended.map((task) => task.status)).toEqual(tasks.map(() => "completed"))
      expect(ended.map((task) => task.result)).toEqual(tasks.map((_, n) => n))
      // The outage cost no attempt: the journal waited, the agents did not fail.
      expect(ended.map((task) => task.attempt)).toEqual(tasks.map(() => 1))
      for (const task of ended) {
        const events = await call((r) => Stream.runCollect(r.subscribe(alice, task.id)))
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
      }
      const fresh = await call((r) => r.submit(alice, { agentId: "writer", description: "after", input: "after" }))
      expect((await settled(fresh.id)).status).toBe("completed")
      expect(await journalCheck()).toBe("ok")
    } finally {
      await managed?.dispose()
      execFileSync("umount", ["-l", mountPoint])
      rmSync(mountPoint, { recursive: true, force: true })
    }
  }, 180_000)
})
