import { existsSync } from "node:fs"
import { dirname, join, resolve } from "node:path"

/**
 * The repository this demo belongs to: the nearest directory at or above `from` that holds
 * `pnpm-workspace.yaml`, or `undefined` when there is none.
 */
export const findRepositoryRoot = (from: string): string | undefined => {
  let dir = resolve(from)
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}
