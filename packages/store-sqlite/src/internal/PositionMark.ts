import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from "node:fs"

/** The sidecar file holding the journal's high-water mark: the last position acknowledged to a writer. */
export const markFileOf = (filename: string): string => `${filename}.mark`

// One fixed-size record, rewritten in place: a decimal position padded to 20 characters and a newline.
// 21 bytes sit inside one disk sector, so a rewrite is never half old, half new.
const width = 20

/** What the mark file says: nothing (no file yet), a position, or text that is not a mark. */
export type MarkReading =
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Position"; readonly position: number }
  | { readonly _tag: "Unreadable"; readonly text: string }

/** Reads the mark left by the journal's last owner. */
export const readMark = (filename: string): MarkReading => {
  let text: string
  try {
    text = readFileSync(markFileOf(filename), "latin1")
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT") {
      return { _tag: "Missing" }
    }
    throw error
  }
  const trimmed = text.trim()
  const position = Number(trimmed)
  return /^\d+$/.test(trimmed) && Number.isSafeInteger(position)
    ? { _tag: "Position", position }
    : { _tag: "Unreadable", text: trimmed.slice(0, 40) }
}

/** The open mark file of the journal's owner. */
export interface PositionMark {
  /** Records `position` as acknowledged; with `sync`, it is on disk (fdatasync) when this returns. */
  write(position: number): void
  close(): void
}

/**
 * Opens the mark for writing. The mark lives outside the database on purpose: losing or truncating the
 * `-wal` file takes the last commits with it, and SQLite opens what is left without a word. The mark
 * is written after each group commit and before any write of it is acknowledged, so a database whose
 * last position is below the mark has lost acknowledged events. With `sync` (the journal's
 * `synchronous: "full"`), it is fdatasynced too: one more sync per group commit, not per append.
 */
export const openMark = (filename: string, sync: boolean): PositionMark => {
  const path = markFileOf(filename)
  // Created owner-only if missing, then reopened for positional writes (appending mode would ignore them).
  closeSync(openSync(path, "a", 0o600))
  const fd = openSync(path, "r+")
  let closed = false
  let last = -1
  return {
    write: (position) => {
      if (closed || position === last) return
      const bytes = Buffer.from(`${String(position).padStart(width, "0")}\n`, "latin1")
      writeSync(fd, bytes, 0, bytes.length, 0)
      if (sync) fdatasyncSync(fd)
      last = position
    },
    close: () => {
      if (closed) return
      closed = true
      closeSync(fd)
    }
  }
}
