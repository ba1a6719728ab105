import { spawnTracked } from "@coderclaw/process-harness"
import xterm from "@xterm/headless"

/** What a command drew on a pseudo-terminal: its exit code, the raw bytes and the final screen's text. */
export interface OnTerminal {
  readonly code: number | null
  readonly raw: string
  /** Every row of the scrollback and the screen, as a terminal shows them at the end (trailing blanks cut). */
  readonly screen: ReadonlyArray<string>
}

const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`

/** The rows a terminal of this size shows after receiving `raw` (scrollback included). */
export const screenOf = (raw: string, cols: number, rows: number): Promise<ReadonlyArray<string>> =>
  new Promise((resolve) => {
    const terminal = new xterm.Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true })
    terminal.write(raw, () => {
      const buffer = terminal.buffer.active
      const lines: Array<string> = []
      for (let row = 0; row < buffer.length; row++) lines.push(buffer.getLine(row)?.translateToString(true) ?? "")
      while (lines.length > 0 && lines.at(-1) === "") lines.pop()
      terminal.dispose()
      resolve(lines)
    })
  })

/**
 * Runs `argv` on a pseudo-terminal of `cols` × `rows` (`script` from util-linux gives it one), then replays
 * what it wrote into a headless xterm: the test sees the screen a person would.
 */
export const runOnTerminal = (
  argv: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly cols: number; readonly rows: number }
): Promise<OnTerminal> =>
  new Promise((resolve, reject) => {
    const command = `stty cols ${options.cols} rows ${options.rows}; exec ${argv.map(quote).join(" ")}`
    const child = spawnTracked("script", ["-qfec", command, "/dev/null"], {
      cwd: options.cwd,
      env: { ...options.env, TERM: "xterm-256color" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    const chunks: Array<Buffer> = []
    child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const raw = Buffer.concat(chunks).toString("utf8")
      screenOf(raw, options.cols, options.rows).then((screen) => resolve({ code, raw, screen }), reject)
    })
  })
