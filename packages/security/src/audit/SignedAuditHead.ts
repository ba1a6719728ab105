import { createPublicKey, verify } from "node:crypto"
import { Clock, Effect, Schema } from "effect"
import type { ServerIdentityShape } from "../identity/ServerIdentity.js"
import { type AuditEntry, AuditHash } from "./AuditEntry.js"
import type { AuditError } from "./AuditError.js"
import type { AuditInput } from "./AuditInput.js"
import type { AuditFilter, AuditPage } from "./AuditStore.js"

/** The part of `AuditLogShape` signing a head needs. */
interface HeadSigningLog {
  head(): Effect.Effect<{ readonly seq: number; readonly hash: string }, AuditError>
  query(
    caller: { readonly principalId: string; readonly permissions: ReadonlySet<string> },
    filter: AuditFilter
  ): Effect.Effect<AuditPage, AuditError>
  record(input: AuditInput): Effect.Effect<unknown, AuditError>
}

/**
 * A head of the audit log signed by the server's identity key: "at `at`, entry `seq` had hash `hash`".
 * Published outside the server (`coderclaw audit head`), it is an anchor no one with write access to the
 * database can move: `audit verify --anchor` checks the log still holds that entry with that hash and goes
 * on from it. `publicKey` travels with it so it can be checked anywhere; `keyId` names the server.
 */
export const SignedAuditHead = Schema.Struct({
  type: Schema.Literal("coderclaw.audit-head"),
  seq: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))),
  hash: AuditHash,
  at: Schema.Int,
  keyId: Schema.String,
  publicKey: Schema.String.pipe(Schema.check(Schema.isPattern(/^[A-Za-z0-9_-]{43}$/))),
  signature: Schema.String
})
export type SignedAuditHead = typeof SignedAuditHead.Type

const auditReader = { principalId: "system:audit", permissions: new Set(["audit:read"]) }

/** The action of the audit entry that records a signed head inside the log itself. */
export const auditHeadSignedAction = "audit.head_signed"

/** The exact text signed: fixed key order, so both ends build the same bytes. */
export const signedAuditHeadPayload = (head: {
  readonly seq: number
  readonly hash: string
  readonly at: number
  readonly keyId: string
}): string =>
  JSON.stringify({
    type: "coderclaw.audit-head",
    version: 1,
    seq: head.seq,
    hash: head.hash,
    at: head.at,
    keyId: head.keyId
  })

/** Whether the head's signature is valid for the public key it carries (who that is, is the caller's check). */
export const verifySignedAuditHead = (head: SignedAuditHead): boolean => {
  try {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: head.publicKey }, format: "jwk" })
    return verify(
      null,
      Buffer.from(signedAuditHeadPayload(head), "utf8"),
      key,
      Buffer.from(head.signature, "base64url")
    )
  } catch {
    return false
  }
}

/**
 * The signed head recorded by an `audit.head_signed` entry, or `undefined` when the entry is another kind
 * (or does not carry one). The signature is kept under `seal`: detail keys named like `signature` are
 * redacted.
 */
export const signedHeadOf = (entry: AuditEntry): SignedAuditHead | undefined => {
  if (entry.action !== auditHeadSignedAction || entry.details === undefined) return undefined
  const { headSeq, headHash, headAt, keyId, publicKey, seal } = entry.details
  const decoded = Schema.decodeUnknownOption(SignedAuditHead)({
    type: "coderclaw.audit-head",
    seq: headSeq,
    hash: headHash,
    at: headAt,
    keyId,
    publicKey,
    signature: seal
  })
  return decoded._tag === "Some" ? decoded.value : undefined
}

/**
 * Signs the log's current head with the server's identity key and records it in the log (an
 * `audit.head_signed` entry), so plain `verify` later refuses a chain rewritten below it. Returns the signed
 * head, or `undefined` for an empty log or one whose last entry is already a signed head (nothing new).
 */
export const signAuditHead = (
  audit: HeadSigningLog,
  identity: ServerIdentityShape,
  options: { readonly force?: boolean } = {}
): Effect.Effect<SignedAuditHead | undefined, AuditError> =>
  Effect.gen(function* () {
    const head = yield* audit.head()
    if (head.seq === 0) return undefined
    if (options.force !== true) {
      const last = yield* audit.query(auditReader, { limit: 1 })
      if (last.items[0]?.action === auditHeadSignedAction) return undefined
    }
    const at = yield* Clock.currentTimeMillis
    const unsigned = { seq: head.seq, hash: head.hash, at, keyId: identity.key.keyId }
    const signed: SignedAuditHead = {
      type: "coderclaw.audit-head",
      ...unsigned,
      publicKey: identity.key.publicKey,
      signature: identity.sign(signedAuditHeadPayload(unsigned))
    }
    yield* audit.record({
      actor: "system:audit",
      action: auditHeadSignedAction,
      resource: `audit/${head.seq}`,
      decision: "info",
      details: {
        headSeq: signed.seq,
        headHash: signed.hash,
        headAt: signed.at,
        keyId: signed.keyId,
        publicKey: signed.publicKey,
        seal: signed.signature
      }
    })
    return signed
  })
