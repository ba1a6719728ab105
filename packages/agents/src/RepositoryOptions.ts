import { basename, resolve } from "node:path"

/**
 * Which repository the repository skills act on. A skill is created with a root directory; a skill call
 * never names a directory itself, only (through its scope) the name of a repository configured here, so a
 * caller cannot point a skill at an arbitrary place on the disk.
 */
export interface RepositoryOptions {
  /** The repository's directory: every path a skill reads, lists or runs in is confined to it. */
  readonly root: string
  /**
   * The repository's name in skill scopes (`scope.repository`), which policies decide on. Default: the
   * base name of `root`.
   */
  readonly repository?: string
  /**
   * Files and directories inside the repository that no skill reads, lists, searches or runs in, whatever
   * the policies allow: e.g. the server's own database (accounts, session keys) when it lives in the
   * repository it serves. Absolute paths, or relative to the working directory.
   */
  readonly hidden?: ReadonlyArray<string>
  /** More repositories a call's scope may name: repository name → directory. */
  readonly repositories?: Readonly<Record<string, string>>
}

/** The name a repository goes by in skill scopes: `repository`, or the base name of `root`. */
export const repositoryNameOf = (options: Pick<RepositoryOptions, "root" | "repository">): string =>
  options.repository ?? basename(resolve(options.root))
