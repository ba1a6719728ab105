/**
 * Rows as an aligned text table with a header line; the last column is not padded. Cells are made
 * single-line (control characters become spaces) so a value cannot rewrite what the reader sees.
 */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const clean = rows.map((row) => row.map(singleLine))
  const widths = header.map((title, column) =>
    Math.max(title.length, ...clean.map((row) => (row[column] ?? "").length))
  )
  const render = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd()
  return [render(header), ...clean.map(render)].join("\n")
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]+/g

/** A value shown on one line, control characters replaced by a space. */
export const singleLine = (text: string): string => text.replace(controlCharacters, " ")

/** A time (ms since the epoch) as local `YYYY-MM-DD HH:MM:SS`. */
export const formatTime = (ms: number): string => {
  const date = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** A time of day (ms since the epoch) as local `HH:MM:SS`. */
export const formatClock = (ms: number): string => formatTime(ms).slice(11)

/** Text cut to `max` characters, with an ellipsis when it was longer. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`
