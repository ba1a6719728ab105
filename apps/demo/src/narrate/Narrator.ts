import { MultiBar, Presets, type SingleBar } from "cli-progress"
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

/**
 * The narrator of one run. `interactive` draws `cli-progress` bars on `stream` (a terminal); otherwise
 * progress is written as plain lines through `write`.
 */
export const makeNarrator = (options: {
  readonly write: (text: string) => void
  readonly interactive: boolean
  readonly stream?: NodeJS.WritableStream
}): Narrator => {
  let live: MultiBar | undefined
  const print = (text: string) => {
    if (live === undefined) options.write(`${text}\n`)
    else live.log(`${text}\n`)
  }
  let sections = 0

  const liveBoard = Effect.acquireRelease(
    Effect.sync(() => {
      const bars = new MultiBar(
        {
          stream: options.stream ?? process.stdout,
          format: "    {label} |{bar}| {percentage}% {message}",
          hideCursor: true,
          clearOnComplete: false,
          autopadding: true,
          fps: 10
        },
        Presets.shades_classic
      )
      live = bars
      return bars
    }),
    (bars) =>
      Effect.sync(() => {
        bars.stop()
        live = undefined
      })
  ).pipe(
    Effect.map(
      (bars): ProgressBoard => ({
        bar: (label) => {
          const padded = label.padEnd(labelWidth)
          const bar: SingleBar = bars.create(100, 0, { label: padded, message: "" })
          return {
            update: (percent, message) =>
              bar.update(Math.round(percent), { label: padded, message: clip(message ?? "", 50) }),
            finish: (status) => bar.update({ label: padded, message: status })
          }
        }
      })
    )
  )

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
