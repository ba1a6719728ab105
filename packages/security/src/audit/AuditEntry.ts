import { Schema } from "effect"

/**
 * The `prevHash` of the first entry: 64 zeros. A chain that starts from anything else was cut at the front.
 */
export const genesisHash: string = "0".repeat(64)

/** A lower-case hex SHA-256 digest: the form of `hash` and `prevHash`. */
export const AuditHash = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[0-9a-f]{64}$/, { expected: "a lower-case hex SHA-256 digest" }))
)
export type AuditHash = typeof AuditHash.Type

/**
 * How an audited event ended: an authorization decision (`allow`/`deny`), an operation's outcome
 * (`success`/`failure`), or a plain fact worth keeping (`info`).
 */
export const AuditDecision = Schema.Literals(["allow", "deny", "success", "failure", "info"])
export type AuditDecision = typeof AuditDecision.Type

/** One value of an entry's `details`: flat and JSON-safe, so every store keeps it byte for byte. */
export const AuditDetailValue = Schema.Union([Schema.String, Schema.Finite, Schema.Boolean, Schema.Null])
export type AuditDetailValue = typeof AuditDetailValue.Type

/** A few small, non-secret facts about the event (e.g. `{ agentId: "repo-scan", attempt: 2 }`). */
export const AuditDetails = Schema.Record(Schema.String, AuditDetailValue)
export type AuditDetails = typeof AuditDetails.Type

/**
 * One entry of the audit log: who (`actor`, `device`, `session`, `remoteAddress`) did what (`action` on
 * `resource`), how it ended (`decision`, `reasons`), when (`at`, ms since the epoch) and for which request.
 *
 * `seq` counts 1, 2, 3… with no gap. `hash` is the SHA-256 of the RFC 8785 canonical JSON of every other
 * field (see `hashAuditEntry`); `prevHash` is the previous entry's `hash` (`genesisHash` for seq 1). So
 * editing, removing or reordering any entry breaks the chain at that point, and `AuditLog.verify` finds it.
 *
 * Optional fields are absent, never `null` or `undefined`: a store must give back exactly the keys it was
 * given, or the recomputed hash will not match.
 */
export const AuditEntry = Schema.Struct({
  seq: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))),
  id: Schema.String,
  at: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  /** A principal id (`local:alice`, `system:recovery`) or `anonymous` before authentication succeeded. */
  actor: Schema.String,
  device: Schema.optionalKey(Schema.String),
  session: Schema.optionalKey(Schema.String),
  /** A dotted verb such as `auth.login`, `authz.decide`, `task.submit`, `device.approve`. */
  action: Schema.String,
  /** What was acted on, e.g. `task/<id>`, `agent/<id>`, `method/<wire method>`. */
  resource: Schema.optionalKey(Schema.String),
  decision: AuditDecision,
  /** Why: the rules or policies that decided, or the failure's reason code. */
  reasons: Schema.Array(Schema.String),
  requestId: Schema.optionalKey(Schema.String),
  remoteAddress: Schema.optionalKey(Schema.String),
  details: Schema.optionalKey(AuditDetails),
  prevHash: AuditHash,
  hash: AuditHash
})
export type AuditEntry = typeof AuditEntry.Type

/** An entry before it is hashed: everything the hash covers. */
export type UnhashedAuditEntry = Omit<AuditEntry, "hash">

/**
 * The log's head: the seq and hash of its last entry (`{ seq: 0, hash: genesisHash }` when empty). Stores
 * keep it as a separate record updated in the same transaction as each append, so removing entries from the
 * end leaves a head that no longer matches: that is how truncation is detected.
 */
export const AuditHead = Schema.Struct({
  seq: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  hash: AuditHash
})
export type AuditHead = typeof AuditHead.Type

/** The head of an empty log. */
export const emptyAuditHead: AuditHead = { seq: 0, hash: genesisHash }
