import type { CliIo } from "../cli/CliIo.js"

/**
 * Where a command writes: people read text on stdout (notes and hints on stderr); with `--json`, scripts
 * read exactly one JSON document on stdout (or one JSON value per line for streams).
 */
export interface Output {
  readonly json: boolean
  /** stdout is a terminal and `--json` is off: progress may be drawn as live bars. */
  readonly live: boolean
  readonly io: CliIo
  /** A line of text for people, on stdout. Ignored with `--json`. */
  line(text?: string): void
  /** A note for people, on stderr (also with `--json`, where stdout carries only JSON). */
  note(text: string): void
  /** The command's one JSON document, on stdout. */
  document(value: unknown): void
  /** One JSON value on its own line, for streams. */
  jsonLine(value: unknown): void
  /** `document(value)` with `--json`, otherwise the text `human()` returns. */
  result(value: unknown, human: () => string): void
}

/** The output of one command run. */
export const makeOutput = (io: CliIo, json: boolean): Output => ({
  json,
  live: !json && io.stdout.isTTY === true,
  io,
  line: (text = "") => {
    if (!json) io.stdout.write(`${text}\n`)
  },
  note: (text) => {
    io.stderr.write(`${text}\n`)
  },
  document: (value) => {
    io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  },
  jsonLine: (value) => {
    io.stdout.write(`${JSON.stringify(value)}\n`)
  },
  result(value, human) {
    if (json) this.document(value)
    else {
      const text = human()
      if (text.length > 0) io.stdout.write(text.endsWith("\n") ? text : `${text}\n`)
    }
  }
})
