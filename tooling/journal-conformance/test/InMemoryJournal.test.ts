import { InMemoryJournal } from "@coderclaw/runtime"
import { journalConformance } from "../src/index.js"

journalConformance({ name: "in-memory", layer: () => InMemoryJournal.layer, durable: false })
