import { createLogUpdate } from "log-update"

/** A terminal stream: its width (and height) decide how live lines are cut. */
export type TerminalStream = NodeJS.WritableStream & {
  readonly isTTY?: boolean
  readonly columns?: number
  readonly rows?: number
}

/**
 * The bottom of a terminal redrawn in place (progress bars) under lines that stay (transitions, logs).
 * Drawn with `log-update`, which diffs frames by whole lines: a printed line first erases the live lines,
 * is written, then the live lines are drawn again below it, so a line and a bar never share a row.
 */
export interface LiveRegion {
  /** A line that stays in the scrollback, written above the live lines. */
  print(text: string): void
  /** Replaces the live lines; redrawn at most every `intervalMs`. */
  update(lines: ReadonlyArray<string>): void
  /** Draws the last live lines once more and leaves them on screen; later output goes below them. */
  stop(): void
}

/** A percentage as a bar of `width` cells. */
export const progressBar = (percent: number, width = 20): string => {
  const full = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width)
  return `${"█".repeat(full)}${"░".repeat(width - full)}`
}

/** The live region on `stream`, a terminal. */
export const makeLiveRegion = (stream: TerminalStream, options: { readonly intervalMs?: number } = {}): LiveRegion => {
  // The cursor stays visible: a killed process must not leave the terminal without one.
  const draw = createLogUpdate(stream, { showCursor: true })
  const intervalMs = options.intervalMs ?? 100
  let lines: ReadonlyArray<string> = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  // Live lines are cut to the width rather than wrapped, so the frame's height is its number of lines.
  const frame = () => {
    const width = Math.max(10, (stream.columns ?? 80) - 1)
    return lines.map((line) => (line.length <= width ? line : `${line.slice(0, width - 1)}…`)).join("\n")
  }
  const redraw = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (lines.length > 0) draw(frame())
  }

  return {
    print: (text) => {
      if (stopped) {
        stream.write(`${text}\n`)
        return
      }
      draw.persist(text)
      redraw()
    },
    update: (next) => {
      lines = next
      if (stopped || timer !== undefined) return
      timer = setTimeout(redraw, intervalMs)
      timer.unref?.()
    },
    stop: () => {
      if (stopped) return
      redraw()
      stopped = true
      draw.done()
    }
  }
}
