import { type LiveRegion, makeLiveRegion, progressBar } from "@coderclaw/cli"
import { Effect, type Scope } from "effect"

/** One task's progress on the board: a live bar on a terminal, a plain line every quarter otherwise. */
export interface TaskBar {
  update(percent: number, message?: string): void
  /** Marks the bar with the task's final status. */
  finish(status: string): void
}

/** The bars of the tasks a step follows at once. Lines written meanwhile appear above the bars. */
export interface ProgressBoard {
  bar(label: string): TaskBar
}

/** Writes the demo's narrative: numbered sections, one line per fact, progress per task. */
export interface Narrator {
  /** Whether progress is drawn as live bars (a terminal) or written as plain lines. */
  readonly interactive: boolean
  section(title: string): Effect.Effect<void>
  line(text: string): Effect.Effect<void>
  /** A board for the tasks of one step; its bars are stopped when the scope closes. */
  readonly board: Effect.Effect<ProgressBoard, never, Scope.Scope>
}

/** Width of the task labels in progress and transition lines, so the columns line up. */
export const labelWidth = 22

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)

/** Plain progress lines: one when a task crosses each quarter, so a log shows movement without noise. */
const plainBar =
  (write: (text: string) => void) =>
  (label: string): TaskBar => {
    let shown = -1
    return {
      update: (percent, message) => {
        const quarter = Math.floor(percent / 25)
        if (quarter <= shown) return
        shown = quarter
        write(
          `    ${label.padEnd(labelWidth)} ${String(Math.round(percent)).padStart(3)}%${message === undefined ? "" : ` ${clip(message, 60)}`}\n`
        )
      },
      finish: () => undefined
    }
  }

interface LiveBar {
  readonly label: string
  percent: number
  message: string
}

/** A board drawn in the live region: one bar per task, redrawn in place under the narrative's lines. */
const liveBoardOn = (region: LiveRegion): ProgressBoard => {
  const bars: Array<LiveBar> = []
  const redraw = () =>
    region.update(
      bars.map(
        (bar) =>
          `    ${bar.label.padEnd(labelWidth)} ${progressBar(bar.percent)} ${String(Math.round(bar.percent)).padStart(3)}% ${bar.message}`
      )
    )
  return {
    bar: (label) => {
      const bar: LiveBar = { label, percent: 0, message: "" }
      bars.push(bar)
      redraw()
      return {
        update: (percent, message) => {
          bar.percent = percent
          bar.message = clip(message ?? "", 50)
          redraw()
        },
        finish: (status) => {
          bar.message = status
          redraw()
        }
      }
    }
  }
}

/**
 * The narrator of one run. `interactive` draws live bars on `stream` (a terminal) with the CLI's live
 * region: the narrative's lines stay above them and never share a row with a bar. Otherwise progress is
 * written as plain lines through `write`.
 */
export const makeNarrator = (options: {
  readonly write: (text: string) => void
  readonly interactive: boolean
  readonly stream?: NodeJS.WritableStream
}): Narrator => {
  let live: LiveRegion | undefined
  const print = (text: string) => {
    if (live === undefined) options.write(`${text}\n`)
    else live.print(text)
  }
  let sections = 0

  const liveBoard = Effect.acquireRelease(
    Effect.sync(() => {
      const region = makeLiveRegion(options.stream ?? process.stdout)
      live = region
      return region
    }),
    (region) =>
      Effect.sync(() => {
        region.stop()
        live = undefined
      })
  ).pipe(Effect.map(liveBoardOn))

  return {
    interactive: options.interactive,
    section: (title) =>
      Effect.sync(() => {
        sections++
        print(`\n== ${sections}. ${title} ==`)
      }),
    line: (text) => Effect.sync(() => print(`  ${text}`)),
    board: options.interactive ? liveBoard : Effect.succeed({ bar: plainBar(options.write) })
  }
}
