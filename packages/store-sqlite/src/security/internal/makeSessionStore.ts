import { Session, SessionRejected, type SessionStoreShape } from "@coderclaw/security"
import { Option } from "effect"
import type { SqliteConnection } from "../../internal/driver/SqliteConnection.js"
import { jsonColumn, rowDecoder, rowObject, UnreadableRow } from "./rowValues.js"
import { storeAttempt } from "./storeAttempt.js"
import { writeTransaction } from "./writeTransaction.js"

/** A row of `security_sessions`, as better-sqlite3 returns it. */
interface SessionRow {
  readonly id: string
  readonly principal_id: string
  readonly provider: string
  readonly display_name: string | null
  readonly roles: string
  readonly device_id: string | null
  readonly trust: string
  readonly scopes: string
  readonly created_at: number
  readonly expires_at: number
  readonly revoked_at: number | null
}

const columns =
  "id, principal_id, provider, display_name, roles, device_id, trust, scopes, created_at, expires_at, revoked_at"

// The port reports every storage failure, a damaged row included, as `unavailable`.
const attempt = storeAttempt(SessionRejected, (_kind, detail) => new SessionRejected({ reason: "Unavailable", detail }))

const decodeSession = rowDecoder(Session)

const isError = (value: unknown): value is SessionRejected => value instanceof SessionRejected

const sessionFromRow = (row: SessionRow): Session | SessionRejected => {
  const session = decodeSession(
    rowObject(
      {
        id: row.id,
        principalId: row.principal_id,
        provider: row.provider,
        roles: jsonColumn("roles", row.roles),
        trust: row.trust,
        scopes: jsonColumn("scopes", row.scopes),
        createdAt: row.created_at,
        expiresAt: row.expires_at
      },
      { displayName: row.display_name, deviceId: row.device_id, revokedAt: row.revoked_at }
    )
  )
  return session instanceof UnreadableRow
    ? new SessionRejected({ reason: "Unavailable", sessionId: row.id, detail: `the stored session ${session.detail}` })
    : session
}

const optionalSession = (row: SessionRow | undefined): Option.Option<Session> | SessionRejected => {
  if (row === undefined) return Option.none()
  const session = sessionFromRow(row)
  return isError(session) ? session : Option.some(session)
}

/**
 * The `SessionStore` port on `security_sessions`: one row per session keyed by `id`, indexed by principal and
 * expiry, roles and scopes as JSON arrays. `listFor` orders by creation time, then by insertion (`rowid`),
 * which is the order the in-memory store keeps for sessions created in the same millisecond.
 */
export const makeSessionStore = (db: SqliteConnection): SessionStoreShape => {
  // One row counting revocations and deletions, bumped in the same transaction as each. Another process on
  // the same file (an admin command) bumps it too, so a server's session cache notices its changes on the
  // next check. Created here, idempotently, rather than by a numbered migration: older files gain it on open.
  db.exec(`
    CREATE TABLE IF NOT EXISTS security_session_revision (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      revision INTEGER NOT NULL
    ) STRICT;
    INSERT OR IGNORE INTO security_session_revision (id, revision) VALUES (1, 0);
  `)
  const bump = db.prepare("UPDATE security_session_revision SET revision = revision + 1 WHERE id = 1")
  const readRevision = db.prepare<[], number>("SELECT revision FROM security_session_revision WHERE id = 1").pluck()
  const listActive = db.prepare<[number], SessionRow>(
    `SELECT ${columns} FROM security_sessions WHERE revoked_at IS NULL AND expires_at > ? ORDER BY created_at, rowid`
  )
  const insert = db.prepare<
    [string, string, string, string | null, string, string | null, string, string, number, number, number | null]
  >(`INSERT INTO security_sessions (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
  const find = db.prepare<[string], SessionRow>(`SELECT ${columns} FROM security_sessions WHERE id = ?`)
  // The first revocation time is kept: `coalesce` leaves a set `revoked_at` alone.
  const revoke = db.prepare<[number, string], SessionRow>(
    `UPDATE security_sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING ${columns}`
  )
  const revokeAllFor = db.prepare<[number, string]>(
    "UPDATE security_sessions SET revoked_at = ? WHERE principal_id = ? AND revoked_at IS NULL"
  )
  const listFor = db.prepare<[string], SessionRow>(
    `SELECT ${columns} FROM security_sessions WHERE principal_id = ? ORDER BY created_at, rowid`
  )
  const deleteExpired = db.prepare<[number]>("DELETE FROM security_sessions WHERE expires_at <= ?")

  return {
    insert: (session) =>
      attempt("storing a session", () => {
        // Stored only if it reads back: a row that does not decode would make `listFor` fail for its principal.
        const checked = decodeSession({ ...session })
        if (checked instanceof UnreadableRow) {
          return new SessionRejected({
            reason: "Unavailable",
            sessionId: session.id,
            detail: `refused to store a session that ${checked.detail}`
          })
        }
        const { changes } = insert.run(
          checked.id,
          checked.principalId,
          checked.provider,
          checked.displayName ?? null,
          JSON.stringify(checked.roles),
          checked.deviceId ?? null,
          checked.trust,
          JSON.stringify(checked.scopes),
          checked.createdAt,
          checked.expiresAt,
          checked.revokedAt ?? null
        )
        return changes === 0
          ? new SessionRejected({ reason: "Unavailable", sessionId: session.id, detail: "session id already stored" })
          : undefined
      }),
    find: (sessionId) => attempt("finding a session", () => optionalSession(find.get(sessionId))),
    revoke: (sessionId, at) =>
      attempt("revoking a session", () =>
        // Rolled back when the session as stored does not decode: a failed call writes nothing.
        writeTransaction(db, isError, () => {
          const revoked = optionalSession(revoke.get(at, sessionId))
          if (!isError(revoked) && Option.isSome(revoked)) bump.run()
          return revoked
        })
      ),
    revokeAllFor: (principalId, at) =>
      attempt("revoking a principal's sessions", () =>
        writeTransaction(db, isError, () => {
          const { changes } = revokeAllFor.run(at, principalId)
          if (changes > 0) bump.run()
          return changes
        })
      ),
    listFor: (principalId) =>
      attempt("listing a principal's sessions", () => {
        const sessions: Array<Session> = []
        for (const row of listFor.all(principalId)) {
          const session = sessionFromRow(row)
          if (isError(session)) return session
          sessions.push(session)
        }
        return sessions
      }),
    deleteExpired: (before) =>
      attempt("deleting expired sessions", () =>
        writeTransaction(db, isError, () => {
          const { changes } = deleteExpired.run(before)
          if (changes > 0) bump.run()
          return changes
        })
      ),
    listActive: (now) =>
      attempt("listing live sessions", () => {
        const sessions: Array<Session> = []
        for (const row of listActive.all(now)) {
          const session = sessionFromRow(row)
          if (isError(session)) return session
          sessions.push(session)
        }
        return sessions
      }),
    revision: attempt("reading the session revision", () => readRevision.get() ?? 0)
  }
}
