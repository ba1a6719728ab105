/**
 * `@coderclaw/store-postgres/security`: the PostgreSQL stores of `@coderclaw/security` (accounts,
 * sessions, signing keys, devices and pairing requests, audit log) on one connection pool. A separate entry
 * point, so a journal-only user does not load `@coderclaw/security`. The schema may be the journal's own:
 * each keeps its tables and its schema version apart.
 *
 * @module
 */

export type {
  PostgresSecurityServices,
  PostgresSecurityStoreOptions,
  PostgresSecurityStores
} from "./PostgresSecurityStore.js"
export * as PostgresSecurityStore from "./PostgresSecurityStore.js"
/** Why the PostgreSQL security stores could not be opened (`unavailable`). */
export { PostgresSecurityStoreError, PostgresSecurityStoreErrorReason } from "./PostgresSecurityStoreError.js"
