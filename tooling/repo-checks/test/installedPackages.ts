import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs"
import { dirname, join } from "node:path"

/** One package found installed: where, and the manifest fields the checks read. */
export interface InstalledPackage {
  readonly name: string
  readonly version: string
  readonly dir: string
  readonly engines?: { readonly node?: string }
}

const readManifest = (dir: string): InstalledPackage | undefined => {
  const file = join(dir, "package.json")
  if (!existsSync(file)) return undefined
  const manifest = JSON.parse(readFileSync(file, "utf8"))
  if (typeof manifest.name !== "string") return undefined
  return { name: manifest.name, version: manifest.version, dir: realpathSync(dir), engines: manifest.engines }
}

/** Where Node would find `name` from `dir`: the nearest `node_modules/<name>` walking up. */
const locate = (dir: string, name: string): string | undefined => {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, "node_modules", ...name.split("/"))
    if (existsSync(join(candidate, "package.json"))) return candidate
    if (dirname(current) === current) return undefined
  }
}

/**
 * Every package a package needs at run time (dependencies, optional and peer dependencies, transitively),
 * resolved the way Node resolves them from each package's real location: it works for npm's nested and
 * pnpm's symlinked layouts alike. Optional and peer dependencies that are not installed are left out.
 */
export const runtimeDependencyTree = (rootDir: string): ReadonlyArray<InstalledPackage> => {
  const found = new Map<string, InstalledPackage>()
  const visit = (dir: string) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    const names = Object.keys({
      ...manifest.dependencies,
      ...manifest.optionalDependencies,
      ...manifest.peerDependencies
    })
    for (const name of names) {
      const location = locate(realpathSync(dir), name)
      const installed = location === undefined ? undefined : readManifest(location)
      if (installed === undefined || found.has(installed.dir)) continue
      found.set(installed.dir, installed)
      visit(installed.dir)
    }
  }
  visit(rootDir)
  return [...found.values()]
}

/** Every copy of the package `name` anywhere under `root`'s node_modules folders (npm layout). */
export const copiesOf = (root: string, name: string): ReadonlyArray<InstalledPackage> => {
  const copies: Array<InstalledPackage> = []
  const walk = (modules: string) => {
    if (!existsSync(modules)) return
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith(".")) continue
      const dirs = entry.startsWith("@")
        ? readdirSync(join(modules, entry)).map((scoped) => join(modules, entry, scoped))
        : [join(modules, entry)]
      for (const dir of dirs) {
        const installed = readManifest(dir)
        if (installed?.name === name) copies.push(installed)
        walk(join(dir, "node_modules"))
      }
    }
  }
  walk(join(root, "node_modules"))
  return copies
}
