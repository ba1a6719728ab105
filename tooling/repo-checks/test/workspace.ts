import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

export const repoRoot = join(import.meta.dirname, "..", "..", "..")

export interface WorkspacePackage {
  readonly name: string
  readonly dir: string
  readonly private: boolean
  readonly dependencies: Record<string, string>
  readonly devDependencies: Record<string, string>
  /** The entry points the package declares (`exports` keys, e.g. "." and "./client"). */
  readonly entryPoints: ReadonlyArray<string>
}

/** Every package of the workspace, from its package.json. */
export const workspacePackages = (): ReadonlyArray<WorkspacePackage> =>
  ["packages", "apps", "tooling", "examples"].flatMap((group) => {
    let entries: Array<string> = []
    try {
      entries = readdirSync(join(repoRoot, group))
    } catch {
      return []
    }
    return entries.flatMap((entry) => {
      const dir = join(repoRoot, group, entry)
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
        return [
          {
            name: manifest.name as string,
            dir,
            private: manifest.private === true,
            dependencies: manifest.dependencies ?? {},
            devDependencies: manifest.devDependencies ?? {},
            entryPoints: Object.entries(manifest.exports ?? { ".": "" })
              .filter(([, target]) => target !== null)
              .map(([key]) => key)
          }
        ]
      } catch {
        return []
      }
    })
  })
