import type { ChildProcess, SpawnOptions } from "node:child_process"

/** One JSON line a child process reported; tests narrow it on `kind`. */
export interface Line {
  readonly kind: string
  readonly [key: string]: unknown
}

/** A running child process and the JSON lines it has reported so far. */
export interface LaunchedProcess {
  readonly child: ChildProcess
  readonly lines: ReadonlyArray<Line>
  until(predicate: (lines: ReadonlyArray<Line>) => boolean, timeoutMs?: number): Promise<void>
  readonly exited: Promise<number | null>
  /** Writes one line to the child's stdin. */
  send(line: string): void
  stderr(): string
}

/** How to start a JSON-lines child. */
export interface LaunchOptions {
  /** Arguments for node itself, before the script (e.g. `--unhandled-rejections=strict`). */
  readonly nodeArgs?: ReadonlyArray<string>
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
}

/** `spawn`, with the child tracked until it exits: `killTracked` and the module's exit hook kill it. */
export declare const spawnTracked: (
  command: string,
  args: ReadonlyArray<string>,
  options?: SpawnOptions
) => ChildProcess

/** Resolves once `child` has exited (at once if it already has). */
export declare const exitOf: (child: ChildProcess) => Promise<void>

/** Kills every tracked child still running (SIGKILL unless told otherwise) and waits for each to exit. */
export declare const killTracked: (signal?: NodeJS.Signals) => Promise<void>

/** The pids of tracked children still running. */
export declare const trackedPids: () => ReadonlyArray<number>

/** Whether a process with this pid exists. */
export declare const isAlive: (pid: number) => boolean

/** Starts `node [...nodeArgs] <script> ...args` as a tracked child, collecting its stdout as JSON lines. */
export declare const launchJsonLines: (
  script: string,
  args: ReadonlyArray<string>,
  options?: LaunchOptions
) => LaunchedProcess

/** Runs a command to its end as a tracked child; rejects (with `code`, `signal`, `stdout`, `stderr`) unless it exits 0. */
export declare const runTracked: (
  command: string,
  args: ReadonlyArray<string>,
  options?: SpawnOptions
) => Promise<{ readonly stdout: string; readonly stderr: string }>

/** A free loopback TCP port below the ephemeral range, for a server restarted on the same port. */
export declare const freeFixedPort: () => Promise<number>
