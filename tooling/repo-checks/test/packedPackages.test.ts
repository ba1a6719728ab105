import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { runTracked } from "../../process-harness/index.js"
import { packPackages } from "../../scripts/packWorkspace.mjs"
import { cleanUpAfterTests } from "./cleanUp.js"
import { engineConflicts, supportedNode } from "./engines.js"
import { copiesOf, runtimeDependencyTree } from "./installedPackages.js"
import { workspacePrebuilds } from "./localPrebuilds.js"
import { repoRoot, workspacePackages } from "./workspace.js"

const run = runTracked
const published = workspacePackages().filter((pkg) => !pkg.private)

/** The `effect` range our libraries declare as their peer dependency (one range for all, see below). */
const effectRange: string = JSON.parse(await readFile(join(repoRoot, "packages", "runtime", "package.json"), "utf8"))
  .peerDependencies.effect

let scratch: string
let app: string
let tarballs: Map<string, string>

// Packs every published package exactly as `pnpm publish` would, then installs the tarballs into a scratch
// project outside the repository with plain npm: what a user gets, without the workspace around it. The
// project asks for the newest `effect` our peer range allows, from the registry, as a user's would.
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "coderclaw-packed-"))
  const packDir = join(scratch, "tarballs")
  await mkdir(packDir)
  tarballs = packPackages(packDir)
  app = join(scratch, "app")
  await mkdir(app)
  await writeFile(
    join(app, "package.json"),
    JSON.stringify({
      name: "scratch-app",
      private: true,
      type: "module",
      dependencies: {
        ...Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`])),
        effect: effectRange,
        // A TypeScript project on Node has Node's types; not the SQLite driver's (see the strict consumer).
        "@types/node": "^20.19.0"
      }
    })
  )
  const prebuilds = join(scratch, "prebuilds")
  await mkdir(prebuilds)
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: app,
    env: { ...process.env, ...(await workspacePrebuilds(prebuilds)) }
  })
})

cleanUpAfterTests(() => scratch)

describe("published packages, installed from their tarballs", () => {
  it("packs one tarball per published package", () => {
    expect([...tarballs.keys()].sort()).toEqual(published.map((pkg) => pkg.name).sort())
  })

  it("ship ESM with type declarations and no workspace: ranges", async () => {
    for (const pkg of published) {
      const installed = join(app, "node_modules", ...pkg.name.split("/"))
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

  it(`holds exactly one copy of effect (the newest matching ${effectRange}) and of xstate`, async () => {
    const { stdout } = await run("npm", ["view", `effect@${effectRange}`, "version", "--json"], { cwd: app })
    const matching: unknown = JSON.parse(stdout)
    const newest = Array.isArray(matching) ? matching.at(-1) : matching
    const effects = copiesOf(app, "effect")
    expect(effects.map((copy) => copy.version)).toEqual([newest])
    expect(copiesOf(app, "xstate")).toHaveLength(1)
    // npm agrees (and exits non-zero on a missing or invalid peer dependency).
    const listed = await run("npm", ["ls", "effect", "--all", "--parseable"], { cwd: app })
    expect(new Set(listed.stdout.trim().split("\n"))).toEqual(new Set([effects[0]?.dir]))
  })

  it("run a durable runtime on store-sqlite: a task completes, and a restarted runtime reads it back", async () => {
    await writeFile(
      join(app, "sqlite.mjs"),
      `import { defineAsyncAgent } from "@coderclaw/runtime"
import { SqliteJournal } from "@coderclaw/store-sqlite"
import { createLocalRuntime } from "@coderclaw/transport-local"
const greet = defineAsyncAgent({
  id: "greet",
  name: "Greet",
  run: async (input, ctx) => {
    await ctx.progress(50, "halfway")
    return { greeting: \`hello, \${input}\` }
  }
})
const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" }
const open = () => createLocalRuntime({ agents: [greet], journal: SqliteJournal.layer({ filename: "journal.db" }) })
const first = open()
const task = await first.client(me).submit({ agentId: "greet", description: "greet", input: "world" })
const seqs = []
for await (const { seq } of first.client(me).subscribe(task.id)) seqs.push(seq)
await first.close()
const second = open()
const reread = await second.client(me).get(task.id)
await second.close()
console.log(JSON.stringify({ seqs, status: reread.status, result: reread.result }))
`
    )
    const { stdout } = await run(process.execPath, ["sqlite.mjs"], { cwd: app })
    expect(JSON.parse(stdout)).toEqual({
      seqs: [1, 2, 3, 4, 5],
      status: "completed",
      result: { greeting: "hello, world" }
    })
  })

  it(`install only dependencies that support every Node we declare (${supportedNode})`, () => {
    const tree = runtimeDependencyTree(app)
    // better-sqlite3 is optional: it is absent where its native build cannot run (Node 24 here, no headers).
    expect(tree.map((pkg) => pkg.name)).toEqual(expect.arrayContaining(["commander", "effect"]))
    expect(engineConflicts(supportedNode, tree)).toEqual([])
  })

  it("type-check in a strict consumer project that imports every entry point, without @types/better-sqlite3", async () => {
    // Our declarations must not need the SQLite driver's types: a user of the journal never touches them.
    expect(copiesOf(app, "@types/better-sqlite3")).toEqual([])
    const entryPoints = published.flatMap((pkg) =>
      pkg.entryPoints
        .filter((entry) => !entry.endsWith(".json"))
        .map((entry) => (entry === "." ? pkg.name : `${pkg.name}/${entry.slice(2)}`))
    )
    const everyEntryPoint = [
      ...entryPoints.map((specifier, index) => `import * as entry${index} from "${specifier}"`),
      `export const entryPoints = [${entryPoints.map((_, index) => `entry${index}`).join(", ")}]`
    ].join("\n")
    await writeFile(join(app, "everything.ts"), `${everyEntryPoint}\n`)
    // What runs in a browser compiles without Node's types.
    await writeFile(
      join(app, "browser.ts"),
      `import * as protocol from "@coderclaw/protocol"
import * as taskMachine from "@coderclaw/task-machine"
import * as wsClient from "@coderclaw/transport-ws/client"
export const modules = [protocol, taskMachine, wsClient]
`
    )
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
    // Our declarations must compile as shipped (no skipLibCheck) in a Node project (with @types/node, as
    // security, the server and the CLI use Node's modules) and, for the browser-safe entry points, without
    // Node's types; and the API must type-check under the strictest settings users run
    // (exactOptionalPropertyTypes, which needs skipLibCheck for xstate's own declarations).
    const node = { ...compilerOptions, types: ["node"] }
    const configs = {
      "tsconfig.declarations.json": { compilerOptions: node, files: ["check.ts", "everything.ts"] },
      "tsconfig.browser.json": { compilerOptions, files: ["browser.ts"] },
      "tsconfig.strict.json": {
        compilerOptions: { ...node, exactOptionalPropertyTypes: true, skipLibCheck: true },
        files: ["check.ts", "everything.ts"]
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
