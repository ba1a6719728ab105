import { readdir, readFile } from "node:fs/promises"
import { join, relative, sep } from "node:path"

const skipped = new Set(["node_modules", "dist", ".git", ".turbo", "coverage"])

/** Every `.ts` file under `root`, skipping dependencies and build output, sorted. */
export const listTypeScriptFiles = async (root: string): Promise<ReadonlyArray<string>> => {
  const entries = await readdir(root, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(
      (file) =>
        !relative(root, file)
          .split(sep)
          .some((part) => skipped.has(part))
    )
    .sort()
}

/** The number of lines in a text file (a last line without a newline still counts). */
export const countFileLines = async (file: string): Promise<number> => {
  const text = await readFile(file, "utf8")
  if (text.length === 0) return 0
  const newlines = text.split("\n").length - 1
  return text.endsWith("\n") ? newlines : newlines + 1
}
