import { readFileSync } from "node:fs"
import { join } from "node:path"
import semver from "semver"
import { describe, expect, it } from "vitest"
import { engineConflicts, supportedNode } from "./engines.js"
import { runtimeDependencyTree } from "./installedPackages.js"
import { workspacePackages } from "./workspace.js"

const published = workspacePackages().filter((pkg) => !pkg.private)

describe("engines.node", () => {
  it("is one range, declared by the root and by every published package", () => {
    expect(semver.validRange(supportedNode)).not.toBeNull()
    for (const pkg of published) {
      const manifest = JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8"))
      expect(manifest.engines?.node, pkg.name).toBe(supportedNode)
    }
  })

  it("covers the Node lines we support: 20.19+, 22.12+, 24 and 26 (the LTS lines with require(esm))", () => {
    for (const version of ["20.19.0", "22.12.0", "24.0.0", "26.0.0"]) {
      expect(semver.satisfies(version, supportedNode), version).toBe(true)
    }
    // better-sqlite3 12 declares 20.x to 26.x: an open range (>=20.19) would promise a Node it cannot load on.
    for (const version of ["20.18.0", "22.11.0", "27.0.0"]) {
      expect(semver.satisfies(version, supportedNode), version).toBe(false)
    }
  })

  it("finds a dependency that needs a newer Node than we declare (commander 15 needs 22.12)", () => {
    const commander15 = { name: "commander", version: "15.0.0", dir: "/", engines: { node: ">=22.12.0" } }
    const commander14 = { name: "commander", version: "14.0.3", dir: "/", engines: { node: ">=20" } }
    expect(engineConflicts(">=20.19", [commander15, commander14])).toEqual(["commander@15.0.0 needs node >=22.12.0"])
  })

  for (const pkg of published) {
    it(`${pkg.name}: every run-time dependency, transitively, supports every Node we declare`, () => {
      const tree = runtimeDependencyTree(pkg.dir)
      expect(tree.length, "the dependency tree was walked").toBeGreaterThan(0)
      expect(engineConflicts(supportedNode, tree)).toEqual([])
    })
  }
})
