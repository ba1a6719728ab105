/**
 * The tamper-evident audit log: every authentication, authorization decision and task command becomes an
 * entry hash-chained to the previous one (SHA-256 over RFC 8785 canonical JSON), with secrets redacted
 * before hashing, so the log can be verified end to end and never holds a credential.
 *
 * @module
 */

/** One log entry, its decision values, detail values, head record and the genesis `prevHash`. */
export {
  AuditDecision,
  AuditDetails,
  AuditDetailValue,
  AuditEntry,
  AuditHash,
  AuditHead,
  emptyAuditHead,
  genesisHash,
  type UnhashedAuditEntry
} from "./AuditEntry.js"
/** The audit concern's one typed error and its reasons. */
export { AuditError, AuditErrorReason } from "./AuditError.js"
/** What callers pass to `record`, and the action-name rule it enforces. */
export { type AuditInput, auditActionMaxLength, auditActionPattern, isAuditAction } from "./AuditInput.js"
/** The audit log service: record, verify, query, head. */
export {
  type AuditCaller,
  AuditLog,
  type AuditLogOptions,
  type AuditLogShape,
  auditReadPermissions,
  make as makeAuditLog
} from "./AuditLog.js"
/** The storage port (one table plus a head row), its query filter and page. */
export {
  type AuditFilter,
  type AuditPage,
  AuditStore,
  type AuditStoreShape,
  auditQueryDefaultLimit,
  auditQueryMaxLimit
} from "./AuditStore.js"
/** How a login's attempted account name is recorded: sanitised and bounded. */
export { attemptedAccountName, attemptedAccountNameMaxLength } from "./attemptedAccountName.js"
/** The canonical JSON an entry's hash covers, and the hash itself: what an external verifier rebuilds. */
export { canonicalAuditJson, hashAuditEntry } from "./hashAuditEntry.js"
/** The in-memory store, over rows the caller may hold (tests tamper with them). */
export {
  type InMemoryAuditRows,
  InMemoryAuditStore,
  makeInMemoryAuditRows,
  makeInMemoryAuditStore
} from "./InMemoryAuditStore.js"
/** The redaction and size caps applied to every input before it is hashed. */
export { type AuditLimits, defaultAuditLimits, type RedactedAuditInput, redactAuditInput } from "./redactAuditInput.js"
/** The secret patterns, usable on any text bound for a log. */
export { isSecretKey, redactedMarker, redactSecrets } from "./redactSecrets.js"
/** Heads of the log signed by the server's identity key: anchors (`audit head`) and in-log checkpoints. */
export {
  auditHeadSignedAction,
  SignedAuditHead,
  signAuditHead,
  signedAuditHeadPayload,
  signedHeadOf,
  verifySignedAuditHead
} from "./SignedAuditHead.js"
/** Chain verification over any store, with its verdict types. */
export {
  type AuditBreakReason,
  type AuditChainBroken,
  type AuditChainIntact,
  type AuditVerification,
  type AuditVerifyOptions,
  defaultVerifyPageSize,
  verifyAuditStore
} from "./verifyAuditStore.js"
