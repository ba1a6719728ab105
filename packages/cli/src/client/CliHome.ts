import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join, resolve } from "node:path"

/**
 * The client's own directory, `$CODERCLAW_HOME` (default `~/.coderclaw`): the device key (`device.json`)
 * and the current session (`session.json`), both readable by their owner only.
 */
export interface CliHome {
  readonly dir: string
  readonly deviceKeyFile: string
  readonly sessionFile: string
}

/** The home directory of the client for this environment. */
export const cliHome = (env: Readonly<Record<string, string | undefined>>, cwd: string): CliHome => {
  const configured = env.CODERCLAW_HOME
  const dir = configured === undefined || configured === "" ? join(homedir(), ".coderclaw") : resolve(cwd, configured)
  return { dir, deviceKeyFile: join(dir, "device.json"), sessionFile: join(dir, "session.json") }
}

/** Reads a JSON file, or `undefined` when it does not exist. Throws on other read or parse errors. */
export const readJsonFile = (path: string): unknown => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw error
  }
  return JSON.parse(text) as unknown
}

/**
 * Writes a secret JSON file readable by its owner only: written to a temporary file with mode 0600 in a
 * directory of mode 0700, then renamed over the target, so no reader ever sees half a file.
 */
export const writeSecretFile = (dir: string, path: string, value: unknown): void => {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, path)
}

/** Deletes a file; `false` when there was none. */
export const removeFile = (path: string): boolean => {
  try {
    rmSync(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false
    throw error
  }
}
