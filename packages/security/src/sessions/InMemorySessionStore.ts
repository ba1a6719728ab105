import { Effect, Layer, Option } from "effect"
import type { Session } from "./Session.js"
import { SessionRejected } from "./SessionRejected.js"
import { SessionStore, type SessionStoreShape } from "./SessionStore.js"

/** A session store held in memory: for tests and single-process runtimes whose sessions may die with them. */
export const makeInMemorySessionStore = (): SessionStoreShape => {
  const sessions = new Map<string, Session>()
  const byPrincipal = new Map<string, Set<string>>()
  let revision = 0

  const revokeOne = (session: Session, at: number): Session => {
    if (session.revokedAt !== undefined) return session
    const revoked: Session = { ...session, revokedAt: at }
    sessions.set(session.id, revoked)
    revision += 1
    return revoked
  }

  return {
    insert: (session) =>
      Effect.suspend(() => {
        if (sessions.has(session.id)) {
          return Effect.fail(
            new SessionRejected({ reason: "Unavailable", sessionId: session.id, detail: "session id already stored" })
          )
        }
        sessions.set(session.id, session)
        const ids = byPrincipal.get(session.principalId)
        if (ids === undefined) byPrincipal.set(session.principalId, new Set([session.id]))
        else ids.add(session.id)
        return Effect.void
      }),
    find: (sessionId) => Effect.sync(() => Option.fromNullishOr(sessions.get(sessionId))),
    revoke: (sessionId, at) =>
      Effect.sync(() => {
        const session = sessions.get(sessionId)
        return session === undefined ? Option.none() : Option.some(revokeOne(session, at))
      }),
    revokeAllFor: (principalId, at) =>
      Effect.sync(() => {
        let changed = 0
        for (const id of byPrincipal.get(principalId) ?? []) {
          const session = sessions.get(id)
          if (session !== undefined && session.revokedAt === undefined) {
            revokeOne(session, at)
            changed += 1
          }
        }
        return changed
      }),
    listFor: (principalId) =>
      Effect.sync(() =>
        [...(byPrincipal.get(principalId) ?? [])]
          .flatMap((id) => {
            const session = sessions.get(id)
            return session === undefined ? [] : [session]
          })
          .sort((a, b) => a.createdAt - b.createdAt)
      ),
    deleteExpired: (before) =>
      Effect.sync(() => {
        let deleted = 0
        for (const [id, session] of sessions) {
          if (session.expiresAt > before) continue
          sessions.delete(id)
          const ids = byPrincipal.get(session.principalId)
          ids?.delete(id)
          if (ids?.size === 0) byPrincipal.delete(session.principalId)
          deleted += 1
        }
        if (deleted > 0) revision += 1
        return deleted
      }),
    listActive: (now) =>
      Effect.sync(() =>
        [...sessions.values()]
          .filter((session) => session.revokedAt === undefined && now < session.expiresAt)
          .sort((a, b) => a.createdAt - b.createdAt)
      ),
    revision: Effect.sync(() => revision)
  }
}

/** The in-memory session store. */
export const InMemorySessionStore = {
  /** A fresh, empty store per layer build. */
  layer: Layer.sync(SessionStore, makeInMemorySessionStore)
}
