import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot, workspacePackages } from "./workspace.js"

// DESIGN.md's import direction: which @coderclaw packages each published package may depend on. A new
// package must be added here before it can land, so the direction is a decision, never an accident.
const allowedImports: Record<string, ReadonlyArray<string>> = {
  "@coderclaw/protocol": [],
  "@coderclaw/task-machine": ["@coderclaw/protocol"],
  "@coderclaw/runtime": ["@coderclaw/task-machine", "@coderclaw/protocol"],
  "@coderclaw/transport-local": ["@coderclaw/runtime", "@coderclaw/protocol"],
  "@coderclaw/transport-ws": ["@coderclaw/runtime", "@coderclaw/protocol"],
  // The embedded store implements the storage ports of both the runtime (journal) and security (users,
  // sessions, devices, audit), so they share one database file.
  "@coderclaw/store-sqlite": ["@coderclaw/runtime", "@coderclaw/security", "@coderclaw/protocol"],
  // The server-database store: the same ports as the embedded one, on PostgreSQL.
  "@coderclaw/store-postgres": ["@coderclaw/runtime", "@coderclaw/security", "@coderclaw/protocol"],
  "@coderclaw/security": ["@coderclaw/protocol"],
  "@coderclaw/orchestrator": ["@coderclaw/runtime", "@coderclaw/task-machine", "@coderclaw/protocol"],
  "@coderclaw/agents": ["@coderclaw/runtime", "@coderclaw/protocol"],
  // The HTTP gateway (A2A, probes, metrics, traces) serves the runtime; it knows no transport.
  "@coderclaw/gateway": ["@coderclaw/runtime", "@coderclaw/protocol"],
  // A worker is a client: agent definitions from the runtime, the wire, and the WebSocket client.
  "@coderclaw/worker": ["@coderclaw/runtime", "@coderclaw/protocol", "@coderclaw/transport-ws"],
  // The command line composes everything a served runtime needs, as an app would.
  "@coderclaw/cli": [
    "@coderclaw/agents",
    "@coderclaw/gateway",
    "@coderclaw/orchestrator",
    "@coderclaw/protocol",
    "@coderclaw/runtime",
    "@coderclaw/security",
    "@coderclaw/store-postgres",
    "@coderclaw/store-sqlite",
    "@coderclaw/transport-ws",
    "@coderclaw/worker"
  ]
}

const internal = (deps: Record<string, string>) => Object.keys(deps).filter((name) => name.startsWith("@coderclaw/"))

const sourceFiles = (dir: string): ReadonlyArray<string> => {
  try {
    return readdirSync(join(dir, "src"), { recursive: true, encoding: "utf8" })
      .filter((file) => /\.(ts|tsx|mts)$/.test(file))
      .map((file) => join(dir, "src", file))
  } catch {
    return []
  }
}

const importedPackages = (file: string): ReadonlyArray<string> =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(@coderclaw\/[^"]+)"/g)].map(
    (match) => match[1] ?? ""
  )

describe("architecture", () => {
  const packages = workspacePackages()
  const published = packages.filter((pkg) => !pkg.private)

  it("classifies every published package in the import-direction table", () => {
    expect(published.length).toBeGreaterThan(0)
    for (const pkg of published) expect(Object.keys(allowedImports), pkg.name).toContain(pkg.name)
    for (const pkg of published) expect(pkg.dir.startsWith(join(repoRoot, "packages")), pkg.name).toBe(true)
  })

  it("lets published packages depend only downwards", () => {
    for (const pkg of published) {
      for (const dep of internal(pkg.dependencies)) {
        expect(allowedImports[pkg.name], `${pkg.name} depends on ${dep}`).toContain(dep)
      }
    }
  })

  it("never lets a published package depend on an app, example or private tool at run time", () => {
    const unpublished = new Set(packages.filter((pkg) => pkg.private).map((pkg) => pkg.name))
    for (const pkg of published) {
      for (const dep of internal(pkg.dependencies)) expect(unpublished.has(dep), `${pkg.name} → ${dep}`).toBe(false)
    }
  })

  it("imports only declared packages, through their declared entry points (no deep imports)", () => {
    const entryPoints = new Map(packages.map((pkg) => [pkg.name, new Set(pkg.entryPoints)]))
    for (const pkg of packages) {
      const declared = new Set([...internal(pkg.dependencies), ...internal(pkg.devDependencies)])
      for (const file of sourceFiles(pkg.dir)) {
        for (const specifier of importedPackages(file)) {
          const where = relative(repoRoot, file)
          const [scope, name, ...rest] = specifier.split("/")
          const target = `${scope}/${name}`
          const entry = rest.length === 0 ? "." : `./${rest.join("/")}`
          expect(declared.has(target), `${where} imports undeclared ${target}`).toBe(true)
          expect(entryPoints.get(target)?.has(entry), `${where} deep-imports ${specifier}`).toBe(true)
        }
      }
    }
  })

  it("has no dependency cycle between workspace packages", () => {
    const graph = new Map(packages.map((pkg) => [pkg.name, internal({ ...pkg.dependencies, ...pkg.devDependencies })]))
    const state = new Map<string, "visiting" | "done">()
    const visit = (name: string, path: ReadonlyArray<string>): void => {
      if (state.get(name) === "done") return
      expect(state.get(name), `cycle: ${[...path, name].join(" → ")}`).not.toBe("visiting")
      state.set(name, "visiting")
      for (const next of graph.get(name) ?? []) visit(next, [...path, name])
      state.set(name, "done")
    }
    for (const name of graph.keys()) visit(name, [])
  })
})
