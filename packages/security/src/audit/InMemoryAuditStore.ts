import { Effect, Layer } from "effect"
import { type AuditEntry, type AuditHead, emptyAuditHead } from "./AuditEntry.js"
import { AuditError } from "./AuditError.js"
import { AuditStore, type AuditStoreShape, auditQueryDefaultLimit } from "./AuditStore.js"
import { matchesAuditFilter } from "./internal/matchesAuditFilter.js"

/**
 * The rows behind an in-memory store: the entries in the order they were appended, and the head record.
 * Whoever creates them may read and change them directly, which is how tests simulate tampering (edit,
 * delete, reorder, truncate, forge the head) and then check that `verify` notices.
 */
export interface InMemoryAuditRows {
  readonly entries: Array<AuditEntry>
  head: AuditHead
}

/** Fresh, empty rows for `makeInMemoryAuditStore`. */
export const makeInMemoryAuditRows = (): InMemoryAuditRows => ({ entries: [], head: emptyAuditHead })

/**
 * An audit store held in memory, over `rows` (fresh ones when omitted): gone with the process. For tests
 * and local runs that need no durability. `readRange` returns rows in the order they are held, starting at
 * the first one whose seq is at least `fromSeq`, so rows moved around by a test come back moved.
 */
export const makeInMemoryAuditStore = (rows: InMemoryAuditRows = makeInMemoryAuditRows()): AuditStoreShape => {
  const startIndex = (fromSeq: number): number => {
    const { entries } = rows
    // Appended rows sit at index seq - 1; only tampered rows need the scan.
    if (fromSeq >= 1 && entries[fromSeq - 1]?.seq === fromSeq) return fromSeq - 1
    const found = entries.findIndex((entry) => entry.seq >= fromSeq)
    return found === -1 ? entries.length : found
  }

  return {
    append: (entry) =>
      Effect.suspend(() => {
        const { head } = rows
        if (entry.seq !== head.seq + 1 || entry.prevHash !== head.hash) {
          return Effect.fail(
            new AuditError({
              reason: "Conflict",
              detail: `entry ${entry.seq} does not follow the head (seq ${head.seq})`,
              seq: entry.seq
            })
          )
        }
        rows.entries.push(entry)
        rows.head = { seq: entry.seq, hash: entry.hash }
        return Effect.void
      }),
    readRange: (fromSeq, limit) =>
      Effect.sync(() => {
        const page: Array<AuditEntry> = []
        const { entries } = rows
        for (let index = startIndex(fromSeq); index < entries.length && page.length < limit; index++) {
          const entry = entries[index]
          if (entry !== undefined && entry.seq >= fromSeq) page.push(entry)
        }
        return page
      }),
    head: () => Effect.sync(() => rows.head),
    query: (filter) =>
      Effect.sync(() => {
        const limit = filter.limit ?? auditQueryDefaultLimit
        const before = filter.cursor === undefined ? Number.POSITIVE_INFINITY : Number(filter.cursor)
        const matching: Array<AuditEntry> = []
        // Newest first; one extra match tells whether another page exists.
        for (let index = rows.entries.length - 1; index >= 0 && matching.length <= limit; index--) {
          const entry = rows.entries[index]
          if (entry !== undefined && entry.seq < before && matchesAuditFilter(entry, filter)) matching.push(entry)
        }
        const items = matching.slice(0, limit)
        const last = items.at(-1)
        return matching.length > limit && last !== undefined ? { items, nextCursor: String(last.seq) } : { items }
      })
  }
}

/** Layers providing an in-memory `AuditStore`. */
export const InMemoryAuditStore = {
  /** A fresh, empty store per layer build. */
  layer: Layer.sync(AuditStore, () => makeInMemoryAuditStore()),
  /** A store over rows the caller holds (and may tamper with, in tests). */
  layerOver: (rows: InMemoryAuditRows): Layer.Layer<AuditStore> =>
    Layer.sync(AuditStore, () => makeInMemoryAuditStore(rows))
}
