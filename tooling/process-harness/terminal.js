import xterm from "@xterm/headless"
import { spawnTracked } from "./index.js"

const quote = (/** @type {string} */ word) => `'${word.replaceAll("'", "'\\''")}'`

/**
 * The rows a terminal of `cols` × `rows` shows after receiving `raw`, scrollback included, trailing blank
 * rows cut.
 *
 * @param {string} raw
 * @param {number} cols
 * @param {number} rows
 * @returns {Promise<ReadonlyArray<string>>}
 */
export const screenOf = (raw, cols, rows) =>
  new Promise((resolve) => {
    const terminal = new xterm.Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true })
    terminal.write(raw, () => {
      const buffer = terminal.buffer.active
      /** @type {Array<string>} */
      const lines = []
      for (let row = 0; row < buffer.length; row++) lines.push(buffer.getLine(row)?.translateToString(true) ?? "")
      while (lines.length > 0 && lines.at(-1) === "") lines.pop()
      terminal.dispose()
      resolve(lines)
    })
  })

/**
 * Runs `argv` on a pseudo-terminal of `cols` × `rows` (`script` from util-linux gives it one, `stty` its
 * size), as a tracked child, then replays what it wrote into a headless xterm: the screen a person sees.
 *
 * @param {ReadonlyArray<string>} argv
 * @param {{ readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly cols: number; readonly rows: number }} options
 */
export const runOnTerminal = (argv, options) =>
  new Promise((resolve, reject) => {
    const command = `stty cols ${options.cols} rows ${options.rows}; exec ${argv.map(quote).join(" ")}`
    const child = spawnTracked("script", ["-qfec", command, "/dev/null"], {
      cwd: options.cwd,
      env: { ...options.env, TERM: "xterm-256color" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    /** @type {Array<Buffer>} */
    const chunks = []
    child.stdout?.on("data", (chunk) => chunks.push(chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const raw = Buffer.concat(chunks).toString("utf8")
      screenOf(raw, options.cols, options.rows).then((screen) => resolve({ code, raw, screen }), reject)
    })
  })
