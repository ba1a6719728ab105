import { randomUUID } from "node:crypto"
import { Clock, Context, Effect, Layer, Schema, Semaphore } from "effect"
import { AuditDecision, type AuditEntry, type AuditHead, type UnhashedAuditEntry } from "./AuditEntry.js"
import { AuditError } from "./AuditError.js"
import { type AuditInput, auditActionMaxLength, isAuditAction } from "./AuditInput.js"
import {
  type AuditFilter,
  type AuditPage,
  AuditStore,
  type AuditStoreShape,
  auditQueryDefaultLimit,
  auditQueryMaxLimit
} from "./AuditStore.js"
import { hashAuditEntry } from "./hashAuditEntry.js"
import { type AuditLimits, defaultAuditLimits, type RedactedAuditInput, redactAuditInput } from "./redactAuditInput.js"
import { type AuditVerification, type AuditVerifyOptions, verifyAuditStore } from "./verifyAuditStore.js"

/**
 * Who is asking to read the log, with the permissions the server computed for them (never ones the caller
 * claimed). Reading needs `audit:read` or `admin:all`.
 */
export interface AuditCaller {
  readonly principalId: string
  readonly permissions: ReadonlySet<string>
}

/** The permissions that allow reading the audit log. */
export const auditReadPermissions: ReadonlyArray<string> = ["audit:read", "admin:all"]

/** What the audit log offers. */
export interface AuditLogShape {
  /**
   * Redacts and caps the input, stamps it (`seq`, `id`, `at` from `Clock`, `prevHash` from the head),
   * hashes it and appends it. Appends are serialised, so concurrent calls produce one unbroken chain with
   * contiguous seqs. Fails `invalid_entry` (nothing written) for a malformed action or decision.
   */
  record(input: AuditInput): Effect.Effect<AuditEntry, AuditError>
  /** Streams the whole log and reports the first break, or that it is intact (see `verifyAuditStore`). */
  verify(options?: AuditVerifyOptions): Effect.Effect<AuditVerification, AuditError>
  /**
   * Entries matching the filter, newest first, one page at a time. Fails `not_permitted` unless the caller
   * holds `audit:read` or `admin:all`, and `invalid_query` for a bad limit, cursor or time bound.
   */
  query(caller: AuditCaller, filter: AuditFilter): Effect.Effect<AuditPage, AuditError>
  /** The current head: anchor it somewhere else to make later rewrites of the log detectable. */
  head(): Effect.Effect<AuditHead, AuditError>
}

/** How to build the audit log. Everything is optional. */
export interface AuditLogOptions {
  /** Size caps applied before hashing; defaults to `defaultAuditLimits`. */
  readonly limits?: AuditLimits | undefined
  /** Entry ids; random UUIDs by default. */
  readonly newId?: (() => string) | undefined
}

// Another writer on the same store (a second process) may append between our head read and our append: the
// store refuses with `conflict`, and the entry is rebuilt on the new head. Every conflict means some other
// append succeeded, so the log always progresses; the bound only stops a store that refuses forever.
const maxAppendAttempts = 100

const validCursor = /^[1-9][0-9]{0,15}$/
const isDecision = Schema.is(AuditDecision)

const checkFilter = (filter: AuditFilter): AuditError | AuditFilter => {
  const invalid = (detail: string) => new AuditError({ reason: "InvalidQuery", detail })
  const limit = filter.limit ?? auditQueryDefaultLimit
  if (!Number.isInteger(limit) || limit < 1 || limit > auditQueryMaxLimit) {
    return invalid(`limit must be an integer from 1 to ${auditQueryMaxLimit}`)
  }
  if (filter.cursor !== undefined && !validCursor.test(filter.cursor)) return invalid("the cursor is not one we issued")
  for (const [name, bound] of [
    ["since", filter.since],
    ["until", filter.until]
  ] as const) {
    if (bound !== undefined && !Number.isFinite(bound)) return invalid(`${name} must be a finite number of ms`)
  }
  if (filter.decision !== undefined && !isDecision(filter.decision)) {
    return invalid(`unknown decision ${JSON.stringify(filter.decision)}`)
  }
  return { ...filter, limit }
}

/**
 * Builds the audit log over the `AuditStore` in context. One instance per store: the lock that keeps the
 * chain linear lives in the instance (other processes are held off by the store's head check).
 */
export const make = (options: AuditLogOptions = {}): Effect.Effect<AuditLogShape, never, AuditStore> =>
  Effect.gen(function* () {
    const store: AuditStoreShape = yield* AuditStore
    const limits = options.limits ?? defaultAuditLimits
    const newId = options.newId ?? randomUUID
    const lock = yield* Semaphore.make(1)
    // The head as of our last append, so most records cost one store write and no read. Dropped whenever
    // an append fails, since its outcome then decides what the head is.
    let knownHead: AuditHead | undefined

    const appendOnce = (fields: RedactedAuditInput) =>
      Effect.gen(function* () {
        const head = knownHead ?? (yield* store.head())
        const at = yield* Clock.currentTimeMillis
        const unhashed: UnhashedAuditEntry = { ...fields, seq: head.seq + 1, id: newId(), at, prevHash: head.hash }
        const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) }
        knownHead = undefined
        yield* store.append(entry)
        knownHead = { seq: entry.seq, hash: entry.hash }
        return entry
      })

    const record = (input: AuditInput): Effect.Effect<AuditEntry, AuditError> =>
      Effect.suspend(() => {
        if (typeof input.action !== "string" || !isAuditAction(input.action)) {
          return Effect.fail(
            new AuditError({
              reason: "InvalidEntry",
              detail: `action must be a dotted name of at most ${auditActionMaxLength} characters`
            })
          )
        }
        if (!isDecision(input.decision)) {
          return Effect.fail(new AuditError({ reason: "InvalidEntry", detail: "unknown decision" }))
        }
        // Redaction happens outside the lock: it is the costly part and needs no ordering.
        const fields = redactAuditInput(input, limits)
        const attempt = lock.withPermit(Effect.uninterruptible(appendOnce(fields)))
        return attempt.pipe(
          Effect.retry({
            while: (error) => error.reason === "Conflict",
            times: maxAppendAttempts - 1
          })
        )
      })

    const query = (caller: AuditCaller, filter: AuditFilter): Effect.Effect<AuditPage, AuditError> =>
      Effect.suspend(() => {
        if (!auditReadPermissions.some((permission) => caller.permissions.has(permission))) {
          return Effect.fail(
            new AuditError({
              reason: "NotPermitted",
              detail: `${caller.principalId} lacks audit:read`
            })
          )
        }
        const checked = checkFilter(filter)
        return checked instanceof AuditError ? Effect.fail(checked) : store.query(checked)
      })

    return AuditLog.of({
      record,
      verify: (verifyOptions) => verifyAuditStore(store, verifyOptions),
      query,
      head: () => store.head()
    })
  })

/**
 * The audit log service: every authentication, authorization decision and task command is recorded here as
 * a hash-chained entry. Provide `AuditLog.layer` together with an `AuditStore` layer.
 */
export class AuditLog extends Context.Service<AuditLog, AuditLogShape>()("@coderclaw/security/AuditLog") {
  /** The audit log over the `AuditStore` in context, with default options. */
  static readonly layer: Layer.Layer<AuditLog, never, AuditStore> = Layer.effect(AuditLog, make())

  /** The audit log over the `AuditStore` in context, with the given options. */
  static readonly layerWith = (options: AuditLogOptions): Layer.Layer<AuditLog, never, AuditStore> =>
    Layer.effect(AuditLog, make(options))
}
