import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { killTracked, runTracked } from "../../process-harness/index.js"
import { repoRoot, workspacePackages } from "./workspace.js"

const run = runTracked
const published = workspacePackages().filter((pkg) => !pkg.private)

let scratch: string
let tarballs: ReadonlyArray<string>

// Packs every published package exactly as `pnpm publish` would, then installs the tarballs into a scratch
// project outside the repository with plain npm: what a user gets, without the workspace around it.
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "coderclaw-packed-"))
  const packDir = join(scratch, "tarballs")
  await mkdir(packDir)
  for (const pkg of published) {
    await run("npx", ["-y", "pnpm@10.34.8", "pack", "--pack-destination", packDir], { cwd: pkg.dir })
  }
  tarballs = (await readdir(packDir)).filter((file) => file.endsWith(".tgz"))
  const app = join(scratch, "app")
  await mkdir(app)
  await writeFile(
    join(app, "package.json"),
    JSON.stringify({
      name: "scratch-app",
      private: true,
      type: "module",
      dependencies: Object.fromEntries(
        published.map((pkg) => {
          const file = `${pkg.name.replace("@", "").replace("/", "-")}-`
          const tarball = tarballs.find((name) => name.startsWith(file))
          return [pkg.name, `file:../tarballs/${tarball}`]
        })
      )
    })
  )
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app })
})

afterEach(async () => {
  // A failed or timed-out step must not leave npm, pnpm or a test program running.
  await killTracked()
})

afterAll(async () => {
  await killTracked()
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
})

describe("published packages, installed from their tarballs", () => {
  it("packs one tarball per published package", () => {
    expect(tarballs).toHaveLength(published.length)
  })

  it("ship ESM with type declarations and no workspace: ranges", async () => {
    for (const pkg of published) {
      const installed = join(scratch, "app", "node_modules", ...pkg.name.split("/"))
      const files = await readdir(join(installed, "dist"))
      expect(files, pkg.name).toContain("index.js")
      expect(files, pkg.name).toContain("index.d.ts")
      expect(await readdir(installed), pkg.name).toContain("README.md")
      const manifest = (await import(join(installed, "package.json"), { with: { type: "json" } })).default
      expect(manifest.type).toBe("module")
      expect(JSON.stringify(manifest.dependencies ?? {}), pkg.name).not.toContain("workspace:")
    }
  })

  it("import and run: a task moves through the statechart and its events decode", async () => {
    const app = join(scratch, "app")
    await writeFile(
      join(app, "main.mjs"),
      `import { createActor } from "xstate"
import { taskMachine, decide, canTransition } from "@coderclaw/task-machine"
import { makeDecoder, TaskEvent, SubmitRequest } from "@coderclaw/protocol"
const actor = createActor(taskMachine).start()
const events = []
actor.on("journal", (e) => events.push(e))
actor.send({ type: "plan" })
actor.send({ type: "start" })
actor.send({ type: "complete", result: { ok: true } })
const decodeEvent = makeDecoder(TaskEvent, "event")
const rejected = decide(actor.getSnapshot(), { type: "cancel" })
const bad = makeDecoder(SubmitRequest, "submit request")({ agentId: "echo" })
console.log(JSON.stringify({
  value: actor.getSnapshot().value,
  seqs: events.map((e) => e.seq),
  decoded: events.every((e) => decodeEvent(e.event)._tag === "Success"),
  rejected: rejected._tag === "Rejected" ? rejected.error.message : null,
  canTransition: canTransition("completed", "running"),
  badRequest: bad.failure.message
}))
`
    )
    const { stdout } = await run(process.execPath, ["main.mjs"], { cwd: app })
    expect(JSON.parse(stdout)).toEqual({
      value: "completed",
      seqs: [2, 3, 4],
      decoded: true,
      rejected:
        "Invalid transition: cannot move from 'completed' to 'cancelled' ('cancel'): the task already ended (completed)",
      canTransition: false,
      badRequest: "Invalid submit request: description: Missing key"
    })
  })

  it("type-check in a strict consumer project", async () => {
    const app = join(scratch, "app")
    await writeFile(
      join(app, "check.ts"),
      `import { taskMachine, decide, type TaskSnapshot } from "@coderclaw/task-machine"
import { SubmitRequest, type RuntimeClient, type TaskRecord } from "@coderclaw/protocol"
import { createActor } from "xstate"
const snapshot: TaskSnapshot = createActor(taskMachine, { input: { maxAttempts: 2 } }).getSnapshot()
const decision = decide(snapshot, { type: "plan" })
export const accepted: boolean = decision._tag === "Accepted"
export const request: typeof SubmitRequest.Encoded = { agentId: "echo", description: "hi" }
export type Get = RuntimeClient["get"]
export const status = (record: TaskRecord): string => record.status
// Types must be real, not \`any\`: a wrong command is a compile error.
// @ts-expect-error 'nope' is not a task command
decide(snapshot, { type: "nope" })
`
    )
    const compilerOptions = {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      lib: ["ES2023", "DOM"],
      types: []
    }
    // Our declarations must compile as shipped (no skipLibCheck), and the API must type-check under the
    // strictest settings users run (exactOptionalPropertyTypes, which needs skipLibCheck for xstate's own
    // declarations).
    const configs = {
      "tsconfig.declarations.json": { compilerOptions, files: ["check.ts"] },
      "tsconfig.strict.json": {
        compilerOptions: { ...compilerOptions, exactOptionalPropertyTypes: true, skipLibCheck: true },
        files: ["check.ts"]
      }
    }
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc")
    for (const [file, config] of Object.entries(configs)) {
      await writeFile(join(app, file), JSON.stringify(config))
      const result = await run(process.execPath, [tsc, "-p", file], { cwd: app }).catch(
        (error: { stdout: string }) => ({ stdout: error.stdout })
      )
      expect(result.stdout, file).toBe("")
    }
  })
})
