import { Context, type Effect } from "effect"
import type { SessionRejected } from "./SessionRejected.js"
import type { SigningKeyRecord } from "./SigningKey.js"

/**
 * Where the session-signing key ring is persisted, so tokens survive a restart. Implementations:
 * `InMemorySigningKeyStore` here; a SQLite store later (one table keyed by `kid`, the JWKs as JSON text).
 * Failures, and rows that do not decode as a `SigningKeyRecord`, are `SessionRejected` reason `unavailable`.
 */
export interface SigningKeyStoreShape {
  /** Every stored key, in any order. */
  readonly load: Effect.Effect<ReadonlyArray<SigningKeyRecord>, SessionRejected>
  /** Stores a key, replacing the stored one with the same `kid` (used to retire a key). */
  save(record: SigningKeyRecord): Effect.Effect<void, SessionRejected>
  /** Deletes a key; deleting a missing key is not an error. */
  remove(kid: string): Effect.Effect<void, SessionRejected>
}

/** The signing key store service. Provide `InMemorySigningKeyStore.layer` or a durable store's layer. */
export class SigningKeyStore extends Context.Service<SigningKeyStore, SigningKeyStoreShape>()(
  "@coderclaw/security/SigningKeyStore"
) {}
