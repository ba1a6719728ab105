import type { Readable, Writable } from "node:stream"

/** A stream that may be a terminal (`process.stdout` is one when not redirected). */
export type OutputStream = Writable & { readonly isTTY?: boolean; readonly columns?: number }

/** The input stream; a terminal can be switched to raw mode to read a password without echo. */
export type InputStream = Readable & { readonly isTTY?: boolean; setRawMode?(mode: boolean): unknown }

/**
 * Everything a command touches outside its arguments: the three standard streams, the environment and the
 * working directory. `bin.ts` passes the process's own; tests pass captured streams and a temporary home.
 */
export interface CliIo {
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  readonly stdin: InputStream
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /**
   * Ends long-running commands (`serve`) when aborted. Without one, `serve` stops on SIGINT or SIGTERM.
   */
  readonly signal?: AbortSignal
}

/** The process's own streams, environment and working directory. */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd()
})
