import { Effect, Layer } from "effect"
import type { SigningKeyRecord } from "./SigningKey.js"
import { SigningKeyStore, type SigningKeyStoreShape } from "./SigningKeyStore.js"

/**
 * A signing key store held in memory: every restart makes a new key, so earlier session tokens stop
 * verifying. For tests and runtimes whose sessions are in memory too.
 */
export const makeInMemorySigningKeyStore = (initial: ReadonlyArray<SigningKeyRecord> = []): SigningKeyStoreShape => {
  const keys = new Map<string, SigningKeyRecord>(initial.map((record) => [record.kid, record]))
  return {
    load: Effect.sync(() => [...keys.values()]),
    save: (record) => Effect.sync(() => void keys.set(record.kid, record)),
    remove: (kid) => Effect.sync(() => void keys.delete(kid))
  }
}

/** The in-memory signing key store. */
export const InMemorySigningKeyStore = {
  /** A fresh, empty store per layer build. */
  layer: Layer.sync(SigningKeyStore, () => makeInMemorySigningKeyStore()),
  /** A store pre-filled with keys, e.g. to share one key ring between two services in a test. */
  layerWith: (records: ReadonlyArray<SigningKeyRecord>): Layer.Layer<SigningKeyStore> =>
    Layer.sync(SigningKeyStore, () => makeInMemorySigningKeyStore(records))
}
