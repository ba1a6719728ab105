import { execFileSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { until } from "@coderclaw/test-kit"
import { afterEach, describe, expect, it } from "vitest"
import { httpGet } from "./support/scrape.js"
import { startObservedServer } from "./support/startObservedServer.js"

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

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
if (mountRefused !== undefined) console.warn(`skipping the unwritable-journal readiness test: ${mountRefused}`)

/** Writes into `path` until the file system refuses (ENOSPC), down to the last byte. */
const fillDisk = (path: string): void => {
  const fd = openSync(path, "w")
  try {
    for (const size of [64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size)
      try {
        for (;;) writeSync(fd, chunk)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error
      }
    }
  } finally {
    closeSync(fd)
  }
}

const json = <A>(body: string) => JSON.parse(body) as A

describe("/healthz and /readyz", () => {
  it("answer without credentials: alive, ready with the journal writable; other methods 405", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coderclaw-probes-"))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const server = await startObservedServer(join(dir, "journal.db"))
    cleanups.push(server.close)

    const health = await httpGet(`${server.httpUrl}/healthz`)
    expect(health.status).toBe(200)
    expect(json(health.body)).toEqual({ status: "alive" })
    const ready = await httpGet(`${server.httpUrl}/readyz`)
    expect(ready.status).toBe(200)
    expect(json(ready.body)).toEqual({ status: "ready", checks: [{ name: "journal-writable", state: "ok" }] })
    expect((await httpGet(`${server.httpUrl}/readyz`, "POST")).status).toBe(405)
    expect((await httpGet(`${server.httpUrl}/elsewhere`)).status).toBe(426)
  }, 60_000)

  it.skipIf(mountRefused !== undefined)(
    "/readyz is 503 naming journal-writable while the journal's disk is full, and 200 again once it has room",
    async () => {
      const mountPoint = mkdtempSync(join(tmpdir(), "coderclaw-readyz-"))
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint])
      cleanups.push(() => {
        execFileSync("umount", ["-l", mountPoint])
        rmSync(mountPoint, { recursive: true, force: true })
      })
      const server = await startObservedServer(join(mountPoint, "journal.db"))
      cleanups.push(server.close)
      expect((await httpGet(`${server.httpUrl}/readyz`)).status).toBe(200)

      const filler = join(mountPoint, "filler")
      fillDisk(filler)
      let refused = { status: 0, body: "" }
      await until(
        async () => {
          refused = await httpGet(`${server.httpUrl}/readyz`)
          return refused.status === 503
        },
        { timeoutMs: 60_000, what: "/readyz to refuse while the disk is full" }
      )
      const body = json<{ status: string; checks: Array<{ name: string; state: string; detail?: string }> }>(
        refused.body
      )
      expect(body.status).toBe("not-ready")
      expect(body.checks).toEqual([expect.objectContaining({ name: "journal-writable", state: "failing" })])
      expect(body.checks[0]?.detail).toMatch(/full|space/i)
      // Liveness is not readiness: the process is still alive.
      expect((await httpGet(`${server.httpUrl}/healthz`)).status).toBe(200)

      rmSync(filler)
      await until(async () => (await httpGet(`${server.httpUrl}/readyz`)).status === 200, {
        timeoutMs: 60_000,
        what: "/readyz to answer ready once the disk has room"
      })
    },
    180_000
  )
})
