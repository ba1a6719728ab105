import { crc32 } from "node:zlib"

/**
 * CRC-32 over fields joined with NUL, which neither JSON text nor the id columns contain, so moving bytes
 * from one field to the next changes the sum. A missing field (`null`) counts as empty text.
 */
export const checksumOf = (fields: ReadonlyArray<string | number | null>): number =>
  crc32(fields.map((field) => (field === null ? "" : String(field))).join("\u0000"))

/**
 * The checksum of an event row: CRC-32 over every column. CRC-32 detects every burst of up to 32 flipped
 * bits and misses other damage with probability 2^-32; it is an error check, not a seal (anyone who can
 * write the storage can recompute it: the audit log's hash chain is the tamper evidence).
 */
export const eventChecksum = (
  position: number,
  taskId: string,
  seq: number,
  at: number,
  causedBy: string,
  event: string
): number => checksumOf([position, taskId, seq, at, causedBy, event])

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
): number => checksumOf([id, status, sessionId, agentId, parentId, rootId, createdAt, lastSeq, record])

/** The checksum of a checkpoint row. */
export const checkpointChecksum = (taskId: string, data: string): number => checksumOf([taskId, data])
