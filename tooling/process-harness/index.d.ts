import type { ChildProcess } from "node:child_process"

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
  stderr(): string
}

/** Starts `node <script> ...args`, collecting its stdout as JSON lines. */
export declare const launchJsonLines: (script: string, args: ReadonlyArray<string>) => LaunchedProcess
