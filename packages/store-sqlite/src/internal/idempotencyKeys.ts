import type { TaskId } from "@coderclaw/protocol"
import type { IdempotencyClaim } from "@coderclaw/runtime"
import type { SqliteConnection } from "./driver/SqliteConnection.js"

// Its own table, created when missing on open: older databases gain it without a schema version step, and a
// release that does not know it simply leaves it alone.
const schemaSql = `
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    task_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (owner, key)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at);
`

interface ClaimRow {
  readonly task_id: string
  readonly fingerprint: string
  readonly expires_at: number
}

/** The idempotency keys of `submit`: claimed inside the group commit's transaction, like appends. */
export interface IdempotencyKeys {
  /** The claim holding the key after this call: `claim`, or an earlier one that has not lapsed at `now`. */
  claim(claim: IdempotencyClaim, now: number): IdempotencyClaim
}

/** Creates the table if needed and prepares its statements. */
export const prepareIdempotencyKeys = (db: SqliteConnection): IdempotencyKeys => {
  db.exec(schemaSql)
  const select = db.prepare<[string, string], ClaimRow>(
    "SELECT task_id, fingerprint, expires_at FROM idempotency_keys WHERE owner = ? AND key = ?"
  )
  const upsert = db.prepare<[string, string, string, string, number]>(
    "INSERT OR REPLACE INTO idempotency_keys (owner, key, task_id, fingerprint, expires_at) VALUES (?, ?, ?, ?, ?)"
  )
  // A few lapsed keys per claim, through the expiry index: the table stays bounded by the window's traffic.
  const sweep = db.prepare<[number]>(
    "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT 16)"
  )
  return {
    claim: (claim, now) => {
      const held = select.get(claim.owner, claim.key)
      if (held !== undefined && held.expires_at > now) {
        return {
          owner: claim.owner,
          key: claim.key,
          taskId: held.task_id as TaskId,
          fingerprint: held.fingerprint,
          expiresAt: held.expires_at
        }
      }
      sweep.run(now)
      upsert.run(claim.owner, claim.key, claim.taskId, claim.fingerprint, claim.expiresAt)
      return claim
    }
  }
}
