import { Session, SessionRejected, type SessionStoreShape, StoreRows } from "@coderclaw/security"
import { Effect, Option } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { orFail, storeCall } from "./storeCall.js"

type Row = { readonly [column: string]: unknown }

const columns =
  "id, principal_id, provider, display_name, roles, device_id, trust, scopes, created_at, expires_at, revoked_at"

const call = storeCall((_kind, detail) => new SessionRejected({ reason: "Unavailable", detail }))
const decodeSession = StoreRows.rowDecoder(Session)
const isError = (value: unknown): value is SessionRejected => value instanceof SessionRejected
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value))

const sessionFromRow = (row: Row): Session | SessionRejected => {
  const session = decodeSession(
    StoreRows.rowObject(
      {
        id: row.id,
        principalId: row.principal_id,
        provider: row.provider,
        roles: StoreRows.jsonColumn("roles", String(row.roles)),
        trust: row.trust,
        scopes: StoreRows.jsonColumn("scopes", String(row.scopes)),
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at)
      },
      { displayName: row.display_name, deviceId: row.device_id, revokedAt: numberOrNull(row.revoked_at) }
    )
  )
  return session instanceof StoreRows.UnreadableRow
    ? new SessionRejected({
        reason: "Unavailable",
        sessionId: String(row.id),
        detail: `the stored session ${session.detail}`
      })
    : session
}

const allSessions = (rows: ReadonlyArray<Row>) => Effect.forEach(rows, (row) => orFail(isError, sessionFromRow(row)))

/**
 * The `SessionStore` port on `security_sessions`, indexed by principal and expiry, roles and scopes as
 * JSON arrays. Lists order by creation time, then insertion (`ord`). Revocations and deletions bump the
 * one-row revision in the same transaction, so every server sharing the database notices them.
 */
export const makeSessionStore = (sql: SqlClient): SessionStoreShape => {
  const bump = sql`UPDATE security_session_revision SET revision = revision + 1 WHERE id = 1`
  return {
    insert: (session) =>
      Effect.suspend(() => {
        const checked = decodeSession({ ...session })
        if (checked instanceof StoreRows.UnreadableRow) {
          return Effect.fail(
            new SessionRejected({
              reason: "Unavailable",
              sessionId: session.id,
              detail: `refused to store a session that ${checked.detail}`
            })
          )
        }
        return call(
          "storing a session",
          Effect.flatMap(
            sql`INSERT INTO security_sessions (${sql.unsafe(columns)}) VALUES (${checked.id}, ${checked.principalId},
              ${checked.provider}, ${checked.displayName ?? null}, ${JSON.stringify(checked.roles)},
              ${checked.deviceId ?? null}, ${checked.trust}, ${JSON.stringify(checked.scopes)}, ${checked.createdAt},
              ${checked.expiresAt}, ${checked.revokedAt ?? null}) ON CONFLICT (id) DO NOTHING RETURNING id`,
            (rows) =>
              rows.length === 0
                ? Effect.fail(
                    new SessionRejected({
                      reason: "Unavailable",
                      sessionId: session.id,
                      detail: "session id already stored"
                    })
                  )
                : Effect.void
          )
        )
      }),
    find: (sessionId) =>
      call(
        "finding a session",
        Effect.flatMap(sql`SELECT ${sql.unsafe(columns)} FROM security_sessions WHERE id = ${sessionId}`, (rows) =>
          rows[0] === undefined
            ? Effect.succeed(Option.none<Session>())
            : Effect.map(orFail(isError, sessionFromRow(rows[0])), Option.some)
        )
      ),
    revoke: (sessionId, at) =>
      call(
        "revoking a session",
        sql.withTransaction(
          Effect.flatMap(
            sql`UPDATE security_sessions SET revoked_at = coalesce(revoked_at, ${at}) WHERE id = ${sessionId}
              RETURNING ${sql.unsafe(columns)}`,
            (rows) =>
              rows[0] === undefined
                ? Effect.succeed(Option.none<Session>())
                : Effect.flatMap(orFail(isError, sessionFromRow(rows[0])), (session) =>
                    Effect.as(bump, Option.some(session))
                  )
          )
        )
      ),
    revokeAllFor: (principalId, at) =>
      call(
        "revoking a principal's sessions",
        sql.withTransaction(
          Effect.flatMap(
            sql`UPDATE security_sessions SET revoked_at = ${at} WHERE principal_id = ${principalId}
              AND revoked_at IS NULL RETURNING id`,
            (rows) => (rows.length > 0 ? Effect.as(bump, rows.length) : Effect.succeed(0))
          )
        )
      ),
    listFor: (principalId) =>
      call(
        "listing a principal's sessions",
        Effect.flatMap(
          sql`SELECT ${sql.unsafe(columns)} FROM security_sessions WHERE principal_id = ${principalId}
            ORDER BY created_at, ord`,
          allSessions
        )
      ),
    deleteExpired: (before) =>
      call(
        "deleting expired sessions",
        sql.withTransaction(
          Effect.flatMap(sql`DELETE FROM security_sessions WHERE expires_at <= ${before} RETURNING id`, (rows) =>
            rows.length > 0 ? Effect.as(bump, rows.length) : Effect.succeed(0)
          )
        )
      ),
    listActive: (now) =>
      call(
        "listing live sessions",
        Effect.flatMap(
          sql`SELECT ${sql.unsafe(columns)} FROM security_sessions WHERE revoked_at IS NULL AND expires_at > ${now}
            ORDER BY created_at, ord`,
          allSessions
        )
      ),
    revision: call(
      "reading the session revision",
      Effect.map(sql<{ revision: unknown }>`SELECT revision FROM security_session_revision WHERE id = 1`, (rows) =>
        Number(rows[0]?.revision ?? 0)
      )
    )
  }
}
