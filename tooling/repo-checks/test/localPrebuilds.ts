import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { runTracked } from "../../process-harness/index.js"
import { repoRoot } from "./workspace.js"

/**
 * npm installs of our tarballs need better-sqlite3's native addon. Users get a prebuilt binary downloaded by
 * prebuild-install; this machine has no internet beyond the npm registry, so every install would compile
 * SQLite from source (minutes per install on a busy machine). The workspace's own install already built
 * the addon for this very Node; this packs it the way prebuild-install expects a local prebuild
 * (`<name>-v<version>-node-v<abi>-<platform>-<arch>.tar.gz` holding `build/Release/better_sqlite3.node`) into
 * `directory`, and returns the environment that points prebuild-install at it (its documented
 * `npm_config_<package>_local_prebuilds` setting). A version npm resolves differently is simply compiled.
 * On a Node the workspace's addon was not built for (Node 24 in CI), nothing is offered: npm's build fails
 * there as it would for a user without build tools, better-sqlite3 (an optional dependency) is left out, and
 * store-sqlite runs on node:sqlite.
 */
export const workspacePrebuilds = async (directory: string): Promise<Record<string, string>> => {
  const addon = join(repoRoot, "packages", "store-sqlite", "node_modules", "better-sqlite3")
  const binary = join(addon, "build", "Release", "better_sqlite3.node")
  if (!existsSync(binary) || !loadsHere(addon)) return {}
  const { version } = JSON.parse(readFileSync(join(addon, "package.json"), "utf8"))
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  await runTracked("tar", ["-czf", join(directory, name), "-C", addon, "build/Release/better_sqlite3.node"])
  return { npm_config_better_sqlite3_local_prebuilds: directory }
}

const loadsHere = (addon: string): boolean => {
  try {
    const Database = createRequire(import.meta.url)(addon)
    new Database(":memory:").close()
    return true
  } catch {
    return false
  }
}
