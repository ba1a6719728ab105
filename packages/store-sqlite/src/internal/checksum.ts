import { JournalRows } from "@coderclaw/runtime"
import type { SqliteConnection } from "./driver/SqliteConnection.js"

export const { eventChecksum, taskChecksum, checkpointChecksum } = JournalRows

/**
 * Makes the checksum callable from SQL on this connection as `coderclaw_crc(column, …)`, for the migration
 * that adds checksums to existing rows and for the integrity scan. A damaged column may hold another type
 * than its declared one, so it accepts anything and sums its text.
 */
export const registerChecksums = (db: SqliteConnection): void => {
  const text = (value: unknown): string | number | null =>
    value === null || typeof value === "number" || typeof value === "string" ? value : String(value)
  db.function("coderclaw_crc", { deterministic: true, varargs: true }, (...values: Array<unknown>) =>
    JournalRows.checksumOf(values.map(text))
  )
}
