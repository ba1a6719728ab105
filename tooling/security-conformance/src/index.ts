/**
 * `@coderclaw/security-conformance`: the contract every implementation of `@coderclaw/security`'s store
 * ports must keep, run against the in-memory stores here and against each durable store in its own
 * package, so no implementation drifts from the reference.
 *
 * @packageDocumentation
 */

export { runSecurityStoreConformance, type SecurityStoresUnderTest } from "./runSecurityStoreConformance.js"
/** Row builders and helpers for a store's own tests beyond the shared contract. */
export {
  type AuditFields,
  aDevice,
  aPairingRequest,
  aSession,
  aSigningKey,
  aUser,
  chainEntries,
  failureOf,
  fakePasswordHash,
  itemAt,
  type OpenStore,
  withStore
} from "./storeHarness.js"
