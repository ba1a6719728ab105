import { Context, type Effect } from "effect"
import type { AuditDecision, AuditEntry, AuditHead } from "./AuditEntry.js"
import type { AuditError } from "./AuditError.js"

/**
 * Which entries a query returns. Every field narrows the result; an empty filter matches everything.
 * Pages are newest first (descending `seq`); pass back `nextCursor` as `cursor` for the next page.
 */
export interface AuditFilter {
  /** Exact principal id (or `anonymous`). */
  readonly actor?: string | undefined
  /** Exact action, e.g. `auth.login`. */
  readonly action?: string | undefined
  /** Resources starting with this text, e.g. `task/` or `agent/repo-scan`. */
  readonly resourcePrefix?: string | undefined
  readonly decision?: AuditDecision | undefined
  /** Entries with `at >= since` (ms since the epoch). */
  readonly since?: number | undefined
  /** Entries with `at < until` (ms since the epoch). */
  readonly until?: number | undefined
  /** Page size: 1 to `auditQueryMaxLimit`; `auditQueryDefaultLimit` when absent. */
  readonly limit?: number | undefined
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined
}

/** One page of a query, newest first; `nextCursor` is absent on the last page. */
export interface AuditPage {
  readonly items: ReadonlyArray<AuditEntry>
  readonly nextCursor?: string
}

/** The page size of a query that names none. */
export const auditQueryDefaultLimit = 100

/** The largest page a query returns. */
export const auditQueryMaxLimit = 1_000

/**
 * Where audit entries live. One table of entries keyed by `seq` plus one head row; nothing else.
 *
 * Rules every implementation keeps:
 * - `append` stores one already-hashed entry and sets the head to `{ seq, hash }` of that entry in the same
 *   atomic step (one transaction on SQLite: `INSERT` the row, `UPDATE` the head). It refuses, with
 *   `conflict` and without writing, an entry whose `seq` is not `head.seq + 1` or whose `prevHash` is not
 *   `head.hash`: so two writers can never fork the chain, even across processes.
 * - Entries come back exactly as appended: the same keys (optional fields absent, not null), the same
 *   strings and numbers, the same `details` (their key order does not matter: hashing sorts keys).
 *   Anything else breaks their hashes.
 * - Nothing is ever updated or deleted through this port.
 */
export interface AuditStoreShape {
  /** Appends one entry and moves the head to it, atomically. */
  append(entry: AuditEntry): Effect.Effect<void, AuditError>
  /**
   * Up to `limit` entries with `seq >= fromSeq`, in seq order (`ORDER BY seq LIMIT ?`). The in-memory
   * store returns them in the order they are held, which is what lets a test see reordered rows.
   */
  readRange(fromSeq: number, limit: number): Effect.Effect<ReadonlyArray<AuditEntry>, AuditError>
  /** The head record: `{ seq: 0, hash: genesisHash }` for an empty log. */
  head(): Effect.Effect<AuditHead, AuditError>
  /**
   * Entries matching the filter, newest first, one page at a time. The cursor is the seq of the last entry
   * of the previous page (as a decimal string): the next page has `seq < cursor`. `limit` and `cursor` have
   * been validated by the caller (`AuditLog.query`).
   */
  query(filter: AuditFilter): Effect.Effect<AuditPage, AuditError>
}

/**
 * The audit store service: provide `InMemoryAuditStore.layer` for tests and local runs, or a durable store.
 */
export class AuditStore extends Context.Service<AuditStore, AuditStoreShape>()("@coderclaw/security/AuditStore") {}
