/** What a command drew on a pseudo-terminal: its exit code, the raw bytes and the final screen's rows. */
export interface OnTerminal {
  readonly code: number | null
  readonly raw: string
  /** Every row of the scrollback and the screen as a terminal shows them at the end (trailing blank rows cut). */
  readonly screen: ReadonlyArray<string>
}

/** The rows a terminal of `cols` × `rows` shows after receiving `raw`, scrollback included. */
export declare const screenOf: (raw: string, cols: number, rows: number) => Promise<ReadonlyArray<string>>

/**
 * Runs `argv` on a pseudo-terminal of `cols` × `rows` (through `script`), as a tracked child, and replays
 * its output into a headless xterm.
 */
export declare const runOnTerminal: (
  argv: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly cols: number; readonly rows: number }
) => Promise<OnTerminal>
