/**
 * `@coderclaw/store-sqlite/security`: the SQLite stores of `@coderclaw/security` (accounts, sessions,
 * signing keys, devices, audit log) on one connection. A separate entry point, so a journal-only user
 * does not load `@coderclaw/security`, and a security-only user does not load the journal. The file may be
 * the journal's own: each keeps its tables and its schema version apart.
 *
 * @module
 */

/**
 * `SqliteSecurityStore.layer({ filename })` provides all five store services, `make` hands them over in a
 * scope, `schemaVersion` is the security schema version this release writes.
 */
export type {
  SqliteSecurityServices,
  SqliteSecurityStoreOptions,
  SqliteSecurityStores
} from "./SqliteSecurityStore.js"
export * as SqliteSecurityStore from "./SqliteSecurityStore.js"
/** Why the SQLite security stores could not be opened (`unavailable`, `corrupt`). */
export { SqliteSecurityStoreError, SqliteSecurityStoreErrorReason } from "./SqliteSecurityStoreError.js"
