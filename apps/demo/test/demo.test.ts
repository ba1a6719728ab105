import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { killTracked, spawnTracked } from "@coderclaw/process-harness"
import { Effect, Exit } from "effect"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { DemoError, findRepositoryRoot, runDemo } from "../src/index.js"

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const main = join(appDir, "dist", "main.js")
const repoRoot = findRepositoryRoot(appDir) ?? ""

/** Runs the built demo as a child process, as `npm start` does, and collects what it printed. */
const runMain = (args: ReadonlyArray<string>) =>
  new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve, reject) => {
    const child = spawnTracked(process.execPath, [main, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

const temporary: Array<string> = []
afterEach(async () => {
  // A failed or timed-out run must not leave the demo (and its server) running.
  await killTracked()
})
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

describe("the demo, run as npm start runs it", () => {
  it("is built", () => {
    expect(existsSync(main), `${main} is missing: build apps/demo first (tsc -b)`).toBe(true)
    expect(existsSync(join(repoRoot, "pnpm-workspace.yaml"))).toBe(true)
  })

  it("runs every step against this repository and exits 0", async () => {
    const { code, stdout, stderr } = await runMain(["--plain"])
    expect(stderr, stdout).not.toContain("DEMO FAILED")
    expect(code, `${stdout}\n${stderr}`).toBe(0)
    // 1. the mesh, with one account per built-in role
    expect(stdout).toContain("Start the mesh")
    expect(stdout).toMatch(/server {6}ws:\/\/127\.0\.0\.1:\d+ /)
    for (const user of [
      "admin    role admin",
      "alice    role developer",
      "reader   role readonly",
      "ci-bot   role ci"
    ]) {
      expect(stdout).toContain(`user        ${user}`)
    }
    // 2. device pairing: verified, request, approval, trusted
    expect(stdout).toContain("alice signs in with her password and a device proof: local:alice, trust verified")
    expect(stdout).toMatch(/pairing request \S+ is pending for local:alice/)
    expect(stdout).toMatch(/admin approves: device dev_\S+ is paired to local:alice/)
    expect(stdout).toContain("same key: trust trusted")
    // 3. repository tasks and the workflow, with their transitions and progress
    for (const label of ["repo-scanner", "reviewer", "workflow", "workflow/scan", "workflow/review"]) {
      expect(stdout).toMatch(new RegExp(`\\n  ${label.replace("/", "\\/")} +running → completed\\n`))
    }
    expect(stdout).toMatch(/repo-scanner +100% scanned \d+ of \d+ files/)
    expect(stdout).toMatch(/scan: \d+ files, \d+ lines/)
    expect(stdout).toContain("workflow               running → waiting (for children)")
    expect(stdout).toContain("the review started only after scan, changes and search completed")
    // 4. a question answered
    expect(stdout).toContain('file-counter asks: "Which directory should I count?"')
    expect(stdout).toContain("file-counter           running → waiting (for input)")
    expect(stdout).toMatch(/file-counter counted \d+ files in packages\/protocol/)
    // 5. approval, then a cancel that really stops the process
    expect(stdout).toContain("test-runner            running → waiting (for approval)")
    expect(stdout).toContain("alice tries to approve her own command: refused (separation-of-duties:self-approval)")
    expect(stdout).toContain("approval resolved: approved")
    expect(stdout).toContain("test-runner            running → cancelled (cancelled by alice)")
    expect(stdout).toMatch(/process \d+ is gone/)
    // 6. refusals, with their reasons
    expect(stdout).toContain("DENIED reader (readonly) submits repo-scanner: Forbidden (default-deny)")
    expect(stdout).toContain(
      "DENIED alice on an unpaired device (trust verified) submits test-runner: Forbidden (test-runner-needs-trusted-device#min-trust)"
    )
    expect(stdout).toContain("DENIED ci-bot (ci, trust untrusted) submits test-runner: Forbidden")
    // 7. summary and audit
    expect(stdout).toMatch(/TASK +STATE +TIME +RESULT/)
    expect(stdout).toMatch(/audit chain verified: ok, \d+ entries/)
    expect(stdout).toMatch(/authz\.decide +deny +method\/task\.submit \[default-deny\]/)
    expect(stdout).toMatch(/Demo complete in [\d.]+ s: 9 tasks, 3 actions denied, audit verified\./)
  })

  it("fails with the step and the reason when the repository lacks what it works on", async () => {
    const repository = mkdtempSync(join(tmpdir(), "coderclaw-demo-repo-"))
    temporary.push(repository)
    execFileSync("git", ["init", "--quiet"], { cwd: repository })
    mkdirSync(join(repository, "src"))
    writeFileSync(join(repository, "src", "index.ts"), "export const answer = 42\n")
    const { code, stdout, stderr } = await runMain([repository, "--plain"])
    expect(code, stdout).toBe(1)
    expect(stderr).toMatch(
      /DEMO FAILED in step "scan and review the repository" \(Unexpected\): repo-scanner ended failed/
    )
    expect(stdout).not.toContain("Demo complete")
  })

  it("refuses bad usage with exit code 2", async () => {
    const { code, stderr } = await runMain(["--keep"])
    expect(code).toBe(2)
    expect(stderr).toContain("--keep needs --inspect")
  })
})

describe("runDemo in-process, with the inspector bridge", () => {
  it("reports every task, the refusals and the audit verdict, and serves inspection events on loopback", async () => {
    let output = ""
    let viewer: Promise<{ readonly page: string; readonly messages: number; readonly snapshots: number }> | undefined
    const watch = (pageUrl: string) =>
      (async () => {
        const page = await (await fetch(pageUrl)).text()
        const socket = new WebSocket(pageUrl.replace("http://", "ws://").replace(/\/$/, ""))
        let messages = 0
        let snapshots = 0
        socket.on("message", (data: Buffer) => {
          messages++
          if (data.toString().includes('"@xstate.snapshot"')) snapshots++
        })
        await new Promise<void>((resolve) => socket.on("close", () => resolve()))
        return { page, messages, snapshots }
      })()
    const exit = await Effect.runPromiseExit(
      runDemo({
        repository: repoRoot,
        inspect: true,
        interactive: false,
        write: (text) => {
          output += text
          const found = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)
          if (viewer === undefined && found?.[1] !== undefined) viewer = watch(found[1])
        }
      })
    )
    expect(Exit.isSuccess(exit), output).toBe(true)
    if (!Exit.isSuccess(exit)) return
    const report = exit.value
    const states = Object.fromEntries(report.tasks.map((task) => [task.label, task.status]))
    expect(states).toEqual({
      "repo-scanner": "completed",
      reviewer: "completed",
      "workflow/scan": "completed",
      "workflow/changes": "completed",
      "workflow/search": "completed",
      "workflow/review": "completed",
      workflow: "completed",
      "file-counter": "completed",
      "test-runner": "cancelled"
    })
    expect(report.tasks.find((task) => task.label === "test-runner")?.path).toEqual([
      "pending",
      "planning",
      "running",
      "waiting",
      "running",
      "cancelled"
    ])
    expect(report.denials.map((denial) => denial.error)).toEqual(["Forbidden", "Forbidden", "Forbidden"])
    expect(report.audit.ok).toBe(true)
    expect(report.inspectorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(viewer).toBeDefined()
    const seen = await viewer
    expect(seen?.page).toContain("https://stately.ai/inspect")
    expect(seen?.page).toContain(report.inspectorUrl?.replace("http://", "ws://").replace(/\/$/, ""))
    expect(seen?.snapshots).toBeGreaterThan(0)
  })

  it("fails with a DemoError naming the step when the repository does not exist", async () => {
    const missing = join(tmpdir(), "coderclaw-demo-missing-repository", "nowhere")
    const exit = await Effect.runPromiseExit(
      runDemo({ repository: missing, write: () => undefined, interactive: false })
    )
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isSuccess(exit)) return
    const error = exit.cause.reasons
      .map((reason) => (reason._tag === "Fail" ? reason.error : undefined))
      .find((found) => found !== undefined)
    expect(error).toBeInstanceOf(DemoError)
    expect(error?.step).toBe("scan and review the repository")
  })
})
