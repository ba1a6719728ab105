import type { Stats } from "node:fs"
import { realpath, stat } from "node:fs/promises"
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path"
import type { SkillCall, SkillScope } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { RepositoryError } from "../RepositoryError.js"
import { type RepositoryOptions, repositoryNameOf } from "../RepositoryOptions.js"
import { isGitPath } from "./walkRepository.js"

/** A repository-relative path as skills accept it: checked for hostile forms by `normalizeRelative`. */
export const RelativePath = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(4_096)))

/**
 * The normalised form of a repository-relative path (`a/b`, `.` for the root), or why it is refused:
 * absolute paths, drive letters, backslashes, NUL bytes and `..` segments never reach the file system.
 */
export const normalizeRelative = (path: string): { readonly ok: string } | { readonly refused: string } => {
  if (path.includes("\0")) return { refused: "the path contains a NUL byte" }
  if (path.includes("\\")) return { refused: "the path contains a backslash; use forward slashes" }
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path))
    return { refused: "the path is absolute; give it relative to the repository" }
  const segments = path.split("/").filter((segment) => segment !== "" && segment !== ".")
  if (segments.includes("..")) return { refused: "the path contains `..`" }
  return { ok: segments.length === 0 ? "." : segments.join("/") }
}

/** Whether `path` is `scopePath` or below it (both normalised). */
const isWithin = (path: string, scopePath: string) =>
  scopePath === "." || path === scopePath || path.startsWith(`${scopePath}/`)

/** A resolved repository: its name, the real path of its root directory, and what skills never touch. */
export interface ResolvedRepository {
  readonly name: string
  readonly root: string
  /** The hidden entries inside it (`RepositoryOptions.hidden`), as normalised repository-relative paths. */
  readonly hidden: ReadonlyArray<string>
}

/**
 * Whether the repository-relative `path` is hidden from the repository tools: a git directory (its
 * configuration may hold credential URLs; its objects are the whole history; see `isGitPath`) or a hidden
 * entry (the server's own files), or inside one.
 */
export const isHidden = (repository: ResolvedRepository, path: string): boolean =>
  isGitPath(path) || repository.hidden.some((hidden) => path === hidden || path.startsWith(`${hidden}/`))

/** What a skill asks the runtime about paths beyond its scope: the call's `refusedPaths`, if any. */
export type PathDecider = SkillCall["refusedPaths"]

/** The paths of `paths` the call may not touch, as a walk asks for them (none outside a runtime). */
export const refusedPathsOf =
  (decide: PathDecider) =>
  async (paths: ReadonlyArray<string>): Promise<ReadonlySet<string>> =>
    decide === undefined ? new Set() : new Set(await Effect.runPromise(decide(paths)))

// A hidden entry may not exist yet (a database created later): its directory's real path places it.
const hiddenWithin = async (root: string, entries: ReadonlyArray<string>): Promise<ReadonlyArray<string>> => {
  const within: Array<string> = []
  for (const entry of entries) {
    const absolute = resolve(entry)
    const directory = await realpath(dirname(absolute)).catch(() => dirname(absolute))
    const inside = relative(root, join(directory, basename(absolute)))
    if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) continue
    within.push(inside.split(sep).join("/"))
  }
  return within
}

const fsCode = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

/**
 * The repository a call acts on: the one its scope names (it must be configured) or, without a scope, the
 * skill's own root; resolved to its real path and checked to be a directory.
 */
export const resolveRepository = (
  options: RepositoryOptions,
  scope: SkillScope | undefined
): Effect.Effect<ResolvedRepository, RepositoryError> =>
  Effect.gen(function* () {
    const ownName = repositoryNameOf(options)
    const name = scope?.repository ?? ownName
    const configured =
      name === ownName
        ? options.root
        : options.repositories !== undefined && Object.hasOwn(options.repositories, name)
          ? options.repositories[name]
          : undefined
    if (configured === undefined) {
      return yield* new RepositoryError({
        reason: "UnknownRepository",
        detail: `no repository named ${JSON.stringify(name)} is configured for this skill`
      })
    }
    const root = yield* Effect.tryPromise({
      try: async () => {
        const real = await realpath(configured)
        if (!(await stat(real)).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" })
        return real
      },
      catch: () =>
        new RepositoryError({
          reason: "NotFound",
          detail: `the directory of repository ${JSON.stringify(name)} does not exist or is not a directory`
        })
    })
    const hidden =
      options.hidden === undefined || options.hidden.length === 0
        ? []
        : yield* Effect.promise(() => hiddenWithin(root, options.hidden ?? []))
    return { name, root, hidden }
  })

/** Fails with `Protected` when the call may not touch `path` (the root itself is never asked about). */
const refuseProtected = (path: string, named: string, decide: PathDecider): Effect.Effect<void, RepositoryError> =>
  decide === undefined || path === "."
    ? Effect.void
    : Effect.flatMap(decide([path]), (refused) =>
        refused.length === 0
          ? Effect.void
          : Effect.fail(
              new RepositoryError({
                reason: "Protected",
                path: named,
                detail: named === path ? "protected by policy" : `leads to ${path}, protected by policy`
              })
            )
      )

/** A path inside a repository: as given (normalised) and as found on disk (real, symlinks resolved). */
export interface ConfinedPath {
  readonly relative: string
  /** Where it lies, repository-relative (differs from `relative` when a symlink led elsewhere). */
  readonly real: string
  readonly absolute: string
  readonly stats: Stats
}

/**
 * Resolves a repository-relative path to a real path inside the root, or refuses it: hostile forms,
 * symlinks that lead outside the root, paths outside the call's authorised `scope.paths`, hidden paths
 * (`.git`, the server's files) and protected ones (as given or as resolved), missing entries and entries of
 * the wrong kind.
 */
export const confinePath = (
  repository: ResolvedRepository,
  path: string,
  options: {
    readonly scope?: SkillScope | undefined
    readonly kind?: "file" | "directory" | undefined
    /** Decides on the path as given and as found on disk (the call's `refusedPaths`). */
    readonly refusedPaths?: PathDecider
  } = {}
): Effect.Effect<ConfinedPath, RepositoryError> =>
  Effect.gen(function* () {
    const normalized = normalizeRelative(path)
    if ("refused" in normalized) {
      return yield* new RepositoryError({ reason: "OutsideRepository", path, detail: normalized.refused })
    }
    const relativePath = normalized.ok
    yield* checkScope(relativePath, options.scope)
    // Refused before the disk is touched, so a refusal says nothing of what exists there.
    if (isHidden(repository, relativePath)) {
      return yield* new RepositoryError({
        reason: "Hidden",
        path: relativePath,
        detail: "this path is hidden from the repository tools"
      })
    }
    yield* refuseProtected(relativePath, relativePath, options.refusedPaths)
    const absolute = yield* Effect.tryPromise({
      try: () => realpath(join(repository.root, relativePath)),
      catch: (error) =>
        fsCode(error) === "ENOENT" || fsCode(error) === "ENOTDIR"
          ? new RepositoryError({ reason: "NotFound", path: relativePath, detail: "no such file or directory" })
          : new RepositoryError({
              reason: "Unreadable",
              path: relativePath,
              detail: `cannot resolve: ${fsCode(error)}`
            })
    })
    const inside = relative(repository.root, absolute)
    if (inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
      return yield* new RepositoryError({
        reason: "OutsideRepository",
        path: relativePath,
        detail: "the path leads outside the repository (through a symlink)"
      })
    }
    const real = inside === "" ? "." : inside.split(sep).join("/")
    if (real !== relativePath) yield* checkScope(real, options.scope)
    if (isHidden(repository, real)) {
      return yield* new RepositoryError({
        reason: "Hidden",
        path: relativePath,
        detail: "this path is hidden from the repository tools"
      })
    }
    // The place a symlink leads to must be allowed as well as the name the call used.
    if (real !== relativePath) yield* refuseProtected(real, relativePath, options.refusedPaths)
    const stats = yield* Effect.tryPromise({
      try: () => stat(absolute),
      catch: () => new RepositoryError({ reason: "Unreadable", path: relativePath, detail: "cannot stat" })
    })
    if (options.kind === "file" && !stats.isFile()) {
      return yield* new RepositoryError({ reason: "NotAFile", path: relativePath, detail: "not a regular file" })
    }
    if (options.kind === "directory" && !stats.isDirectory()) {
      return yield* new RepositoryError({ reason: "NotADirectory", path: relativePath, detail: "not a directory" })
    }
    return { relative: relativePath, real, absolute, stats }
  })

/**
 * Refuses a path outside the paths the call was authorised for. Policies decide on `scope.paths`; a skill
 * acting elsewhere would make that decision meaningless, so it acts only within them.
 */
export const checkScope = (path: string, scope: SkillScope | undefined): Effect.Effect<void, RepositoryError> => {
  if (scope?.paths === undefined) return Effect.void
  const allowed = scope.paths.flatMap((scopePath) => {
    const normalized = normalizeRelative(scopePath)
    return "ok" in normalized ? [normalized.ok] : []
  })
  return allowed.some((scopePath) => isWithin(path, scopePath))
    ? Effect.void
    : Effect.fail(
        new RepositoryError({
          reason: "OutsideScope",
          path,
          detail: `the call is authorised for ${allowed.length === 0 ? "no path" : allowed.join(", ")} only`
        })
      )
}
