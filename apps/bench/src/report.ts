/** A measured quantity. */
export interface Figure {
  readonly value: number
  readonly unit: string
}

/** One line of the results: a figure, the anchor it is compared with (measured in the same run), the target. */
export interface Row {
  /** Which section of the suite the row belongs to, e.g. `lifecycle`. */
  readonly section: string
  readonly benchmark: string
  readonly result: Figure
  readonly anchor?: { readonly name: string } & Figure
  /** `result / anchor`, when both are in comparable units. */
  readonly ratio?: number
  /** The DESIGN.md target, in words. */
  readonly target?: string
  /** Whether the target is met (absent when the row has no target). */
  readonly met?: boolean
  readonly note?: string
}

/** What `pnpm bench` writes to `results/*.json`. */
export interface Results {
  readonly quick: boolean
  readonly startedAt: string
  readonly durationMs: number
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpu: string; readonly memoryGiB: number }
  readonly rows: ReadonlyArray<Row>
}

const digits = (value: number) =>
  Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3

/** A figure as text, e.g. `5,210 tasks/s` or `0.412 ms`. */
export const formatFigure = (figure: Figure): string =>
  `${figure.value.toLocaleString("en-US", { maximumFractionDigits: digits(figure.value) })} ${figure.unit}`

/** The rows as a plain-text table, one line per row. */
export const formatTable = (rows: ReadonlyArray<Row>): string => {
  const cells = rows.map((row) => [
    row.section,
    row.benchmark,
    formatFigure(row.result),
    row.anchor === undefined ? "" : `${row.anchor.name}: ${formatFigure(row.anchor)}`,
    row.ratio === undefined ? "" : row.ratio.toFixed(row.ratio >= 10 ? 1 : 3),
    row.target === undefined ? "" : `${row.target}${row.met === undefined ? "" : row.met ? " ✓" : " ✗"}`
  ])
  const header = ["section", "benchmark", "result", "anchor (same run)", "ratio", "target"]
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column]?.length ?? 0))
  )
  const line = (values: ReadonlyArray<string>) =>
    values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" │ ")
  return [line(header), widths.map((width) => "─".repeat(width)).join("─┼─"), ...cells.map(line)].join("\n")
}
