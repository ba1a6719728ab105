import { createHash } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, realpathSync } from "node:fs"
import { homedir } from "node:os"
import { basename, isAbsolute, join } from "node:path"

/** The environment variables the state directory is derived from. */
export type StateEnv = Readonly<Record<string, string | undefined>>

/**
 * A stable, readable name for a repository: its directory name and the first 12 hex digits of the SHA-256
 * of its real path, so two checkouts named alike never share a state directory, and a symlinked path finds
 * the same one.
 */
export const repositoryId = (repository: string): string => {
  let real = repository
  try {
    real = realpathSync(repository)
  } catch {
    // Not there (yet): the path as given still names it stably.
  }
  const name =
    basename(real)
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .slice(0, 40) || "root"
  return `${name}-${createHash("sha256").update(real).digest("hex").slice(0, 12)}`
}

/**
 * Where a server keeps its state (database, inspection log) for one repository when `dataDir` is not set:
 * `$XDG_STATE_HOME/coderclaw/<repository id>`, with `XDG_STATE_HOME` defaulting to `~/.local/state` (a
 * relative `XDG_STATE_HOME` is ignored, as the XDG specification says). Outside the repository, so no
 * repository skill, git command or accidental commit ever sees password hashes or signing keys.
 */
export const defaultStateDirectory = (repository: string, env: StateEnv): string => {
  const configured = env.XDG_STATE_HOME
  const base =
    configured !== undefined && configured !== "" && isAbsolute(configured)
      ? configured
      : join(homedir(), ".local", "state")
  return join(base, "coderclaw", repositoryId(repository))
}

/**
 * Creates the state directory readable by its owner only (0700), or tightens an existing one to 0700: it
 * holds password hashes, the session-signing keys and every task's inputs.
 */
export const ensurePrivateDirectory = (directory: string): void => {
  if (!existsSync(directory)) mkdirSync(directory, { recursive: true, mode: 0o700 })
  chmodSync(directory, 0o700)
}

/** Where earlier versions kept the database by default: inside the repository. */
export const legacyDatabaseOf = (repository: string): string => join(repository, ".coderclaw", "coderclaw.db")
