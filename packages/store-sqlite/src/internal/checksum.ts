import { crc32 } from "node:zlib"
import type { SqliteConnection } from "./driver/SqliteConnection.js"

// Fields are joined with NUL, which neither JSON text nor the id columns contain, so moving bytes from one
// field to the next changes the sum.
const join = (fields: ReadonlyArray<string | number | null>): string =>
  fields.map((field) => (field === null ? "" : String(field))).join("\u0000")

/**
 * The checksum of an event row: CRC-32 over every column. CRC-32 detects every burst of up to 32 flipped
 * bits and misses other damage with probability 2^-32; it is an error check, not a seal (anyone who can
 * write the file can recompute it: the audit log's hash chain is the tamper evidence).
 */
export const eventChecksum = (
  position: number,
  taskId: string,
  seq: number,
  at: number,
  causedBy: string,
  event: string
): number => crc32(join([position, taskId, seq, at, causedBy, event]))

/** The checksum of a task row: every column, the filter columns as well as the record's JSON. */
export const taskChecksum = (
  id: string,
  status: string,
  sessionId: string,
  agentId: string,
  parentId: string | null,
  rootId: string,
  createdAt: number,
  lastSeq: number,
  record: string
): number => crc32(join([id, status, sessionId, agentId, parentId, rootId, createdAt, lastSeq, record]))

/** The checksum of a checkpoint row. */
export const checkpointChecksum = (taskId: string, data: string): number => crc32(join([taskId, data]))

/**
 * Makes the checksum callable from SQL on this connection as `coderclaw_crc(column, …)`, for the migration
 * that adds checksums to existing rows and for the integrity scan. A damaged column may hold another type
 * than its declared one, so it accepts anything and sums its text.
 */
export const registerChecksums = (db: SqliteConnection): void => {
  const text = (value: unknown): string | number | null =>
    value === null || typeof value === "number" || typeof value === "string" ? value : String(value)
  db.function("coderclaw_crc", { deterministic: true, varargs: true }, (...values: Array<unknown>) =>
    crc32(join(values.map(text)))
  )
}
