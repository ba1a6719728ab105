// Packs published workspace packages into tarballs exactly as `pnpm publish` would (workspace: ranges
// replaced by versions), for installing them with plain npm where nothing is on the registry yet. Used by
// `npm run install-cli` and by the packed-tarball tests. Plain Node, no dependencies.
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { bin, repoRoot } from "./workspace.mjs"

/** Every published (non-private) package under packages/: `{ name, dir, manifest }`. */
export const publishedPackages = () =>
  readdirSync(join(repoRoot, "packages")).flatMap((entry) => {
    const dir = join(repoRoot, "packages", entry)
    let manifest
    try {
      manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    } catch {
      return []
    }
    return manifest.private === true ? [] : [{ name: manifest.name, dir, manifest }]
  })

/** `name` and every published workspace package it depends on at run time, transitively. */
export const workspaceClosure = (name) => {
  const byName = new Map(publishedPackages().map((pkg) => [pkg.name, pkg]))
  const closure = new Set()
  const visit = (current) => {
    const pkg = byName.get(current)
    if (pkg === undefined || closure.has(current)) return
    closure.add(current)
    for (const dependency of Object.keys(pkg.manifest.dependencies ?? {})) visit(dependency)
  }
  visit(name)
  if (closure.size === 0) throw new Error(`${name} is not a published package of this workspace`)
  return [...closure]
}

/** The tarball file name pnpm gives a package: `@scope/name@1.0.0` → `scope-name-1.0.0.tgz`. */
const tarballName = (pkg) => `${pkg.name.replace("@", "").replace("/", "-")}-${pkg.manifest.version}.tgz`

/**
 * Packs the named packages (default: every published one) into `destination`; returns a map from package
 * name to the tarball's absolute path. Throws naming the package whose `pnpm pack` failed.
 */
export const packPackages = (destination, names = publishedPackages().map((pkg) => pkg.name)) => {
  const packages = publishedPackages().filter((pkg) => names.includes(pkg.name))
  const tarballs = new Map()
  for (const pkg of packages) {
    const result = spawnSync(bin("pnpm"), ["pack", "--pack-destination", destination], {
      cwd: pkg.dir,
      encoding: "utf8",
      shell: process.platform === "win32"
    })
    if (result.status !== 0) {
      throw new Error(`pnpm pack failed in ${pkg.name}:\n${result.stderr || result.stdout || result.error?.message}`)
    }
    tarballs.set(pkg.name, join(destination, tarballName(pkg)))
  }
  return tarballs
}
