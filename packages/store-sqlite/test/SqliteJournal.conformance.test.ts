import { join } from "node:path"
import { journalConformance } from "@coderclaw/journal-conformance"
import { SqliteJournal } from "../src/index.js"
import { driversUnderTest } from "./support/drivers.js"

for (const driver of driversUnderTest) {
  journalConformance({
    name: `SQLite [${driver.name}]`,
    skip: driver.skip,
    layer: (directory) => SqliteJournal.layer({ filename: join(directory, "journal.db"), driver: driver.name }),
    durable: true,
    exclusive: true,
    // One byte of the task's last event payload changed by another connection.
    damage: (directory, taskId) => {
      const db = driver.open(join(directory, "journal.db"))
      try {
        const changed = db
          .prepare("UPDATE events SET event = replace(event, '\"type\"', '\"typf\"') WHERE task_id = ? AND seq = 5")
          .run(taskId).changes
        if (changed !== 1) throw new Error(`no event of ${taskId} to damage`)
      } finally {
        db.close()
      }
    }
  })
}
