import type { TaskId } from "@coderclaw/protocol"
import type { IdempotencyClaim } from "@coderclaw/runtime"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"

/**
 * Claims an idempotency key inside the batch's transaction: the claim holding it afterwards, `claim` or an
 * earlier one that has not lapsed at `now`. Drops a few lapsed keys per claim, so the table stays bounded
 * by the window's traffic.
 */
export const claimIdempotencyKey = (sql: SqlClient, claim: IdempotencyClaim, now: number) =>
  Effect.gen(function* () {
    const held = yield* sql<{ task_id: string; fingerprint: string; expires_at: unknown }>`
      SELECT task_id, fingerprint, expires_at FROM idempotency_keys WHERE owner = ${claim.owner} AND key = ${claim.key}`
    const row = held[0]
    if (row !== undefined && Number(row.expires_at) > now) {
      return {
        owner: claim.owner,
        key: claim.key,
        taskId: row.task_id as TaskId,
        fingerprint: row.fingerprint,
        expiresAt: Number(row.expires_at)
      } satisfies IdempotencyClaim
    }
    yield* sql`DELETE FROM idempotency_keys WHERE ctid IN
      (SELECT ctid FROM idempotency_keys WHERE expires_at <= ${now} LIMIT 16)`
    yield* sql`INSERT INTO idempotency_keys (owner, key, task_id, fingerprint, expires_at)
      VALUES (${claim.owner}, ${claim.key}, ${claim.taskId}, ${claim.fingerprint}, ${claim.expiresAt})
      ON CONFLICT (owner, key) DO UPDATE SET task_id = excluded.task_id, fingerprint = excluded.fingerprint,
        expires_at = excluded.expires_at`
    return claim
  })
