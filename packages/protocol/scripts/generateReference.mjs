// Writes the generated protocol reference (JSON Schemas, OpenRPC document, Markdown) from the built
// schemas. Run through `pnpm --filter @coderclaw/protocol generate`, which builds first.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { referenceFiles } from "../dist/reference/referenceFiles.js"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const files = referenceFiles()

// Schemas of messages that no longer exist must not linger: the schema folder is rewritten whole.
await rm(join(root, "docs/schemas"), { recursive: true, force: true })
for (const file of files) {
  const path = join(root, file.path)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, file.content)
}
const schemaCount = (await readdir(join(root, "docs/schemas"), { recursive: true })).filter((name) =>
  name.endsWith(".json")
).length
console.log(`wrote ${files.length} files (${schemaCount} JSON Schemas) under ${root}/docs`)
