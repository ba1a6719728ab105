import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runSecurityStoreConformance } from "@coderclaw/security-conformance"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import { SqliteSecurityStore } from "../src/security/index.js"

let root: string
let counter = 0
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-security-conformance-"))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

// Each test gets the five stores on a new file, in a folder that does not exist yet.
runSecurityStoreConformance("SQLite", () =>
  Effect.orDie(SqliteSecurityStore.make({ filename: join(root, `db${++counter}`, "state.db") }))
)
