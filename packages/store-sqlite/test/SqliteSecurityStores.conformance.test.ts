import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runSecurityStoreConformance } from "@coderclaw/security-conformance"
import { Effect } from "effect"
import { afterAll, beforeAll } from "vitest"
import { SqliteSecurityStore } from "../src/security/index.js"
import { describeEachDriver } from "./support/drivers.js"

let root: string
let counter = 0
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-security-conformance-"))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

// Each test gets the five stores on a new file, in a folder that does not exist yet, on each SQLite driver.
describeEachDriver("security store conformance", (driver) => {
  runSecurityStoreConformance(`SQLite [${driver.name}]`, () =>
    Effect.orDie(SqliteSecurityStore.make({ driver: driver.name, filename: join(root, `db${++counter}`, "state.db") }))
  )
})
