import { lstat, readdir, readFile, realpath } from "node:fs/promises"
import { isAbsolute, join, relative, sep } from "node:path"
import ignore, { type Ignore } from "ignore"

/** A regular file found by `walkRepository`: its repository-relative path (forward slashes) and size. */
export interface WalkedFile {
  readonly path: string
  readonly bytes: number
}

/**
 * Why a walk left an entry out: `.git` and the server's own files (`hidden`), a path the call may not touch
 * (`protected`), a symlink (never followed: `outside-repository` when it leads out of the root, `hidden` or
 * `protected` when it leads into such a path, `symlink` otherwise — its target is listed where it lies).
 */
export type SkipReason = "hidden" | "protected" | "symlink" | "outside-repository"

/** An entry a walk left out, and why. */
export type SkippedPath = {
  readonly path: string
  readonly reason: SkipReason
}

/** Most skipped entries a walk reports (it counts them all). */
export const maxReportedSkips = 1_000

/** What `walkRepository` found; `truncated` when a limit stopped it early. */
export interface WalkResult {
  readonly files: ReadonlyArray<WalkedFile>
  readonly truncated: boolean
  /** What was left out and why, at most `maxReportedSkips` entries. */
  readonly skipped: ReadonlyArray<SkippedPath>
  readonly skippedCount: number
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
 * Whether a repository-relative path is a git directory (`.git`, at any depth: nested repositories and
 * submodules have theirs) or inside one: hidden from the file skills. Compared case-insensitively, as
 * case-insensitive file systems open `.GIT/config` as `.git/config`.
 */
export const isGitPath = (path: string): boolean => path.split("/").some((segment) => segment.toLowerCase() === ".git")

/** A directory to read, with the ignore rules that apply in it. */
interface PendingDirectory {
  readonly dir: string
  readonly rules: ReadonlyArray<Rules>
}

/** An entry found in one level of the walk, waiting for the decision on its path. */
type Candidate =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "directory"; readonly path: string; readonly rules: ReadonlyArray<Rules> }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string }

/**
 * Lists the regular files under `start` (a normalised, real repository-relative directory, `.` for the
 * root) the way git sees the working tree: `.git/info/exclude`, the root `.gitignore` and every nested
 * `.gitignore` are honoured. Every entry is authorised before it is used: `.git` and `hidden` entries are
 * skipped, and the paths `refused` names (protected paths, decided by the call's authorizer) are skipped
 * with everything below them, never read. The walk goes one directory level at a time and asks about a
 * whole level at once, so a big repository costs a decision per level, not per file. Symlinks are never
 * followed, so the walk never leaves the root; each is reported with where it leads. Stops after
 * `maxFiles` files or `maxDirectories` directories, or when `signal` is aborted.
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
    /** Of these paths, the ones the call may not touch (the runtime's `SkillCall.refusedPaths`). */
    readonly refused?: (paths: ReadonlyArray<string>) => Promise<ReadonlySet<string>>
  }
): Promise<WalkResult> => {
  const maxDirectories = limits.maxDirectories ?? 50_000
  const hiddenEntries = limits.hidden ?? []
  const isHiddenPath = (path: string) =>
    isGitPath(path) || hiddenEntries.some((hidden) => path === hidden || path.startsWith(`${hidden}/`))
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
  const skipped: Array<SkippedPath> = []
  let skippedCount = 0
  const skip = (path: string, reason: SkipReason) => {
    skippedCount++
    if (skipped.length < maxReportedSkips) skipped.push({ path, reason })
  }
  let level: Array<PendingDirectory> = [{ dir: start, rules: inherited }]
  let directories = 0
  let truncated = false
  while (level.length > 0 && !truncated) {
    const candidates: Array<Candidate> = []
    for (const next of level) {
      limits.signal?.throwIfAborted()
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
      for (const entry of entries) {
        const path = childPath(next.dir, entry.name)
        if (isHiddenPath(path)) {
          skip(path, "hidden")
          continue
        }
        if (entry.isDirectory()) {
          if (!isIgnored(rules, path, true)) candidates.push({ kind: "directory", path, rules })
        } else if (entry.isFile()) {
          if (!isIgnored(rules, path, false)) candidates.push({ kind: "file", path })
        } else if (entry.isSymbolicLink() && !isIgnored(rules, path, false)) {
          const real = await realpath(join(root, path)).catch(() => undefined)
          if (real === undefined) continue
          const inside = relative(root, real)
          if (inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) skip(path, "outside-repository")
          else candidates.push({ kind: "symlink", path, target: inside === "" ? "." : inside.split(sep).join("/") })
        }
      }
    }
    const asked = candidates.flatMap((candidate) =>
      candidate.kind === "symlink" ? [candidate.path, candidate.target] : [candidate.path]
    )
    const refused = limits.refused === undefined || asked.length === 0 ? new Set() : await limits.refused(asked)
    const nextLevel: Array<PendingDirectory> = []
    const found: Array<string> = []
    for (const candidate of candidates) {
      if (refused.has(candidate.path)) skip(candidate.path, "protected")
      else if (candidate.kind === "symlink") {
        skip(
          candidate.path,
          isHiddenPath(candidate.target) ? "hidden" : refused.has(candidate.target) ? "protected" : "symlink"
        )
      } else if (candidate.kind === "directory") nextLevel.push({ dir: candidate.path, rules: candidate.rules })
      else found.push(candidate.path)
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
    level = nextLevel
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { files, truncated, skipped, skippedCount }
}
