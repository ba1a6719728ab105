import { Context, type Effect, type Option } from "effect"
import type { Session } from "./Session.js"
import type { SessionRejected } from "./SessionRejected.js"

/**
 * Where sessions live. Implementations: `InMemorySessionStore` here; a SQLite store later (one table keyed
 * by `id`, indexed by `principal_id` and `expires_at`, roles and scopes as JSON arrays). Every method is one
 * statement on such a table. Storage failures, and rows that do not decode as a `Session`, fail with
 * `SessionRejected` reason `unavailable`.
 */
export interface SessionStoreShape {
  /** Stores a new session; fails `unavailable` when the id is already taken. */
  insert(session: Session): Effect.Effect<void, SessionRejected>
  /** The session with this id, if stored (whatever its state). */
  find(sessionId: string): Effect.Effect<Option.Option<Session>, SessionRejected>
  /**
   * Sets `revokedAt` to `at` unless already set (the first revocation time is kept) and returns the session
   * as stored afterwards; `none` when there is no such session.
   */
  revoke(sessionId: string, at: number): Effect.Effect<Option.Option<Session>, SessionRejected>
  /** Sets `revokedAt` on every session of the principal that has none; returns how many it changed. */
  revokeAllFor(principalId: string, at: number): Effect.Effect<number, SessionRejected>
  /** Every stored session of the principal, oldest first. */
  listFor(principalId: string): Effect.Effect<ReadonlyArray<Session>, SessionRejected>
  /** Deletes sessions whose `expiresAt` is at or before `before`; returns how many. */
  deleteExpired(before: number): Effect.Effect<number, SessionRejected>
  /** Every session neither revoked nor expired at `now`, of every principal, oldest first. */
  listActive(now: number): Effect.Effect<ReadonlyArray<Session>, SessionRejected>
  /**
   * A counter that grows with every change that can make a stored session unusable (revocation, deletion),
   * whoever made it: this process or another one on the same database (an admin command). Reading it must
   * be cheap (one row); `Sessions` checks it on every validation and drops its cache when it moved.
   */
  readonly revision: Effect.Effect<number, SessionRejected>
}

/** The session store service. Provide `InMemorySessionStore.layer` or a durable store's layer. */
export class SessionStore extends Context.Service<SessionStore, SessionStoreShape>()(
  "@coderclaw/security/SessionStore"
) {}
