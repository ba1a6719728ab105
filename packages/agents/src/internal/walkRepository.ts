import { lstat, readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import ignore, { type Ignore } from "ignore"

/** A regular file found by `walkRepository`: its repository-relative path (forward slashes) and size. */
export interface WalkedFile {
  readonly path: string
  readonly bytes: number
}

/** What `walkRepository` found; `truncated` when a limit stopped it early. */
export interface WalkResult {
  readonly files: ReadonlyArray<WalkedFile>
  readonly truncated: boolean
}

/** The rules of one ignore file, and the directory (repository-relative, `""` for the root) they apply below. */
interface Rules {
  readonly base: string
  readonly matcher: Ignore
}

const readRules = async (root: string, base: string, file: string): Promise<Rules | undefined> => {
  try {
    const text = await readFile(join(root, file), "utf8")
    return { base, matcher: ignore({ ignorecase: false }).add(text) }
  } catch {
    return undefined
  }
}

/**
 * Whether git would ignore `path` given the ignore files that apply to it, outermost first: a deeper file's
 * matching rule (ignoring or, with `!`, re-including) overrides the outer ones, as in git.
 */
const isIgnored = (rules: ReadonlyArray<Rules>, path: string, directory: boolean): boolean => {
  let ignored = false
  for (const { base, matcher } of rules) {
    const below = base === "" ? path : path.slice(base.length + 1)
    const verdict = matcher.test(directory ? `${below}/` : below)
    if (verdict.ignored) ignored = true
    else if (verdict.unignored) ignored = false
  }
  return ignored
}

const childPath = (parent: string, name: string) => (parent === "." ? name : `${parent}/${name}`)

/**
 * Lists the regular files under `start` (a normalised repository-relative directory, `.` for the root) the
 * way git sees the working tree: `.git` is skipped, and `.git/info/exclude`, the root `.gitignore` and every
 * nested `.gitignore` are honoured. Symlinks are not followed (nor listed), so the walk never leaves the root.
 * Stops after `maxFiles` files or `maxDirectories` directories, or when `signal` is aborted.
 */
export const walkRepository = async (
  root: string,
  start: string,
  limits: {
    readonly maxFiles: number
    readonly maxDirectories?: number
    readonly signal?: AbortSignal
    /** Repository-relative entries skipped as if they did not exist (`RepositoryOptions.hidden`). */
    readonly hidden?: ReadonlyArray<string>
  }
): Promise<WalkResult> => {
  const maxDirectories = limits.maxDirectories ?? 50_000
  const hidden = new Set(limits.hidden ?? [])
  const inherited: Array<Rules> = []
  const exclude = await readRules(root, "", join(".git", "info", "exclude"))
  if (exclude !== undefined) inherited.push(exclude)
  // The ignore files of the directories above `start` apply to it too.
  const segments = start === "." ? [] : start.split("/")
  for (let depth = 0; depth < segments.length; depth++) {
    const base = segments.slice(0, depth).join("/")
    const rules = await readRules(root, base, join(base, ".gitignore"))
    if (rules !== undefined) inherited.push(rules)
  }

  const files: Array<WalkedFile> = []
  const pending: Array<{ readonly dir: string; readonly rules: ReadonlyArray<Rules> }> = [
    { dir: start, rules: inherited }
  ]
  let directories = 0
  let truncated = false
  while (pending.length > 0) {
    limits.signal?.throwIfAborted()
    const next = pending.pop()
    if (next === undefined) break
    if (++directories > maxDirectories) {
      truncated = true
      break
    }
    const own = await readRules(root, next.dir === "." ? "" : next.dir, join(next.dir, ".gitignore"))
    const rules = own === undefined ? next.rules : [...next.rules, own]
    let entries: Array<import("node:fs").Dirent>
    try {
      entries = await readdir(join(root, next.dir), { withFileTypes: true })
    } catch {
      continue
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const subdirectories: Array<string> = []
    const found: Array<string> = []
    for (const entry of entries) {
      if (entry.name === ".git") continue
      const path = childPath(next.dir, entry.name)
      if (hidden.has(path)) continue
      if (entry.isDirectory()) {
        if (!isIgnored(rules, path, true)) subdirectories.push(path)
      } else if (entry.isFile() && !isIgnored(rules, path, false)) {
        found.push(path)
      }
    }
    const room = limits.maxFiles - files.length
    if (found.length > room) truncated = true
    const sizes = await Promise.all(
      found.slice(0, Math.max(0, room)).map(async (path) => {
        try {
          return { path, bytes: (await lstat(join(root, path))).size }
        } catch {
          return undefined
        }
      })
    )
    for (const file of sizes) if (file !== undefined) files.push(file)
    if (truncated) break
    for (let index = subdirectories.length - 1; index >= 0; index--) {
      const dir = subdirectories[index]
      if (dir !== undefined) pending.push({ dir, rules })
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { files, truncated }
}
