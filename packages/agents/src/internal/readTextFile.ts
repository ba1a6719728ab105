import { constants } from "node:fs"
import { open } from "node:fs/promises"

/** A text file's content, its size in bytes and its number of lines. */
export interface TextFile {
  readonly content: string
  readonly bytes: number
  readonly lines: number
}

/** Why a file could not be read as text. */
export type TextFileProblem = "TooLarge" | "Binary" | "NotAFile" | "Unreadable"

/** Git's heuristic: a NUL byte among the first 8,000 bytes makes a file binary. */
const looksBinary = (bytes: Uint8Array) => bytes.subarray(0, 8_000).includes(0)

/** The number of lines of a text: a last line without a newline counts too. */
export const countLines = (text: string): number => {
  if (text.length === 0) return 0
  let lines = 0
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) lines++
  return text.endsWith("\n") ? lines : lines + 1
}

/**
 * Reads a file (already confined to the repository) as UTF-8 text, refusing files above `maxBytes` and
 * binary ones. The last path component is opened without following symlinks, so a file swapped for a
 * symlink after it was checked is refused instead of followed.
 */
export const readTextFile = async (
  absolute: string,
  maxBytes: number
): Promise<TextFile | { readonly problem: TextFileProblem; readonly detail: string }> => {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW)
    const stats = await handle.stat()
    if (!stats.isFile()) return { problem: "NotAFile", detail: "not a regular file" }
    if (stats.size > maxBytes) {
      return { problem: "TooLarge", detail: `${stats.size} bytes, above the limit of ${maxBytes}` }
    }
    const buffer = await handle.readFile()
    if (buffer.byteLength > maxBytes) {
      return { problem: "TooLarge", detail: `${buffer.byteLength} bytes, above the limit of ${maxBytes}` }
    }
    if (looksBinary(buffer)) return { problem: "Binary", detail: "a binary file" }
    const content = new TextDecoder("utf-8").decode(buffer)
    return { content, bytes: buffer.byteLength, lines: countLines(content) }
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown"
    return { problem: "Unreadable", detail: `cannot read (${code})` }
  } finally {
    await handle?.close()
  }
}
