import { readFileSync } from "node:fs"
import { join } from "node:path"
import semver from "semver"
import type { InstalledPackage } from "./installedPackages.js"
import { repoRoot } from "./workspace.js"

/** The Node versions this repository supports, as the root package.json declares them. */
export const supportedNode: string = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).engines.node

/**
 * The installed packages whose `engines.node` excludes some Node version we declare support for (ours is not
 * a subset of theirs), as `name@version needs node <range>`.
 */
export const engineConflicts = (declared: string, packages: ReadonlyArray<InstalledPackage>): Array<string> =>
  packages.flatMap((pkg) => {
    const needs = pkg.engines?.node
    if (needs === undefined || semver.subset(declared, needs, { includePrerelease: false })) return []
    return [`${pkg.name}@${pkg.version} needs node ${needs}`]
  })
