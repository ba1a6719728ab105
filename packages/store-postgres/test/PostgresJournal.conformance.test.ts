import { journalConformance } from "@coderclaw/journal-conformance"
import { Effect } from "effect"
import { PostgresJournal } from "../src/index.js"
import { journalOptions, schemaFor, withSql } from "./support/database.js"

// Each folder the suite hands out is a schema of its own on the project's server.
journalConformance({
  name: "PostgreSQL",
  layer: (directory) => PostgresJournal.layer(journalOptions(schemaFor(directory))),
  durable: true,
  exclusive: true,
  // One byte of the task's fifth event changed by another connection.
  damage: (directory, taskId) =>
    withSql((sql) =>
      Effect.gen(function* () {
        const schema = schemaFor(directory)
        const changed = yield* sql.unsafe(
          `UPDATE "${schema}".events SET event = replace(event, '"type"', '"typf"') WHERE task_id = $1 AND seq = 5
           RETURNING position`,
          [taskId]
        )
        if (changed.length !== 1) return yield* Effect.die(new Error(`no event of ${taskId} to damage`))
      })
    )
})
