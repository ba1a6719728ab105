import { join } from "node:path"
import { journalConformance } from "@coderclaw/journal-conformance"
import { SqliteJournal } from "../src/index.js"

journalConformance({
  name: "SQLite",
  layer: (directory) => SqliteJournal.layer({ filename: join(directory, "journal.db") }),
  durable: true
})
