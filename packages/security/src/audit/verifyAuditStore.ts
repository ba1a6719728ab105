import { Effect } from "effect"
import { type AuditEntry, type AuditHead, genesisHash } from "./AuditEntry.js"
import type { AuditError } from "./AuditError.js"
import type { AuditStoreShape } from "./AuditStore.js"
import { hashAuditEntry } from "./hashAuditEntry.js"
import { signedHeadOf, verifySignedAuditHead } from "./SignedAuditHead.js"

/**
 * How a chain can be broken:
 * - `hash_mismatch`: the entry's content no longer matches its own `hash` (edited in place);
 * - `prev_hash_mismatch`: the entry does not point at the previous entry's hash (the previous one was
 *   replaced, re-hashed, or the chain was spliced);
 * - `seq_gap`: the expected seq is missing (an entry was deleted);
 * - `out_of_order`: the expected seq exists but not where it should (entries reordered or duplicated);
 * - `head_mismatch`: the head record disagrees with the last entry (forged head, or entries appended
 *   behind the log's back);
 * - `truncated`: the head says the log is longer than the entries found (entries removed from the end);
 * - `anchor_mismatch`: the entry at a trusted anchor's seq does not carry the anchor's hash (the log was
 *   rewritten and re-hashed up to there).
 * - `signed_head_mismatch`: a head the server signed and recorded in the log (`audit.head_signed`) names
 *   a hash the entry at its seq no longer has, or its signature is not the server's: the log was
 *   rewritten and re-hashed at or below that seq (`brokenAt`).
 */
export type AuditBreakReason =
  | "hash_mismatch"
  | "prev_hash_mismatch"
  | "seq_gap"
  | "out_of_order"
  | "head_mismatch"
  | "truncated"
  | "anchor_mismatch"
  | "signed_head_mismatch"

/** The log verified: `entries` entries chain from the genesis hash to `head`. */
export interface AuditChainIntact {
  readonly ok: true
  readonly entries: number
  readonly head: AuditHead
}

/**
 * The log is broken. `brokenAt` is the lowest seq that can no longer be trusted: everything before it
 * chains correctly from the genesis hash; `detail` says what was found, for people.
 */
export interface AuditChainBroken {
  readonly ok: false
  readonly brokenAt: number
  readonly reason: AuditBreakReason
  readonly detail: string
}

/** What `verify` concludes. A broken chain is a finding, not an error: the effect succeeds with it. */
export type AuditVerification = AuditChainIntact | AuditChainBroken

/** How to verify. */
export interface AuditVerifyOptions {
  /** Entries read per page; the log is never loaded whole. Default 500. */
  readonly pageSize?: number | undefined
  /**
   * A head seen earlier and kept somewhere the store's writers cannot reach (a ticket, another system's
   * log, a signed export). The chain alone cannot reveal a log rewritten and re-hashed from some entry on,
   * or cut at the end together with its head; an anchor can: the entry at `anchor.seq` must exist and carry
   * `anchor.hash`.
   */
  readonly anchor?: AuditHead | undefined
  /**
   * The server's identity public key (base64url): heads it signed into the log (`audit.head_signed`) are
   * checked, each must name the hash its entry still has. Heads signed by other keys are ignored.
   */
  readonly signedHeadKey?: string | undefined
}

/** The page size `verify` uses when none is given. */
export const defaultVerifyPageSize = 500

const broken = (brokenAt: number, reason: AuditBreakReason, detail: string): AuditChainBroken => ({
  ok: false,
  brokenAt,
  reason,
  detail
})

/**
 * Streams every entry of a store, page by page, and checks the hash chain and the head record, stopping at
 * the first break. Appends made while it runs are followed: it only concludes once the head and the last
 * entry read agree. Fails only when the store itself fails.
 */
export const verifyAuditStore = (
  store: AuditStoreShape,
  options: AuditVerifyOptions = {}
): Effect.Effect<AuditVerification, AuditError> =>
  Effect.gen(function* () {
    const requested = options.pageSize ?? defaultVerifyPageSize
    const pageSize = Number.isInteger(requested) && requested > 0 ? requested : defaultVerifyPageSize
    const anchor = options.anchor
    let lastSeq = 0
    let lastHash = genesisHash

    // Checks one entry against the chain so far; undefined when it extends the chain.
    const check = (entry: AuditEntry): Effect.Effect<AuditChainBroken | undefined, AuditError> =>
      Effect.gen(function* () {
        const expected = lastSeq + 1
        if (entry.seq !== expected) {
          // A store reads in seq order, so a higher seq here means `expected` is missing unless the rows are
          // held out of order: look for it among the rows from `expected` on.
          const later = entry.seq > expected ? yield* store.readRange(expected, pageSize) : []
          const misplaced = entry.seq < expected || later.some((candidate) => candidate.seq === expected)
          return misplaced
            ? broken(expected, "out_of_order", `found seq ${entry.seq} where seq ${expected} belongs`)
            : broken(expected, "seq_gap", `seq ${expected} is missing (next found: ${entry.seq})`)
        }
        if (entry.prevHash !== lastHash) {
          return broken(entry.seq, "prev_hash_mismatch", `prevHash does not match the hash of seq ${lastSeq}`)
        }
        if (hashAuditEntry(entry) !== entry.hash) {
          return broken(entry.seq, "hash_mismatch", "the entry's content does not match its hash")
        }
        if (anchor !== undefined && entry.seq === anchor.seq && entry.hash !== anchor.hash) {
          return broken(entry.seq, "anchor_mismatch", `the entry does not carry the anchored hash ${anchor.hash}`)
        }
        const signed = options.signedHeadKey === undefined ? undefined : signedHeadOf(entry)
        if (signed !== undefined && signed.publicKey === options.signedHeadKey) {
          if (!verifySignedAuditHead(signed)) {
            return broken(entry.seq, "signed_head_mismatch", "a signed head's signature is not the server's")
          }
          const [named] = signed.seq < entry.seq ? yield* store.readRange(signed.seq, 1) : []
          if (named?.seq !== signed.seq || named.hash !== signed.hash) {
            return broken(
              signed.seq,
              "signed_head_mismatch",
              `the server signed hash ${signed.hash} for seq ${signed.seq} (entry #${entry.seq}); the log was rewritten at or before it`
            )
          }
        }
        lastSeq = entry.seq
        lastHash = entry.hash
        return undefined
      })

    let page = yield* store.readRange(1, pageSize)
    while (true) {
      for (const entry of page) {
        const found = yield* check(entry)
        if (found !== undefined) return found
      }
      if (page.length < pageSize) {
        const head = yield* store.head()
        if (head.seq < lastSeq) {
          return broken(head.seq + 1, "head_mismatch", `entries go on to seq ${lastSeq} but the head is at ${head.seq}`)
        }
        if (head.seq === lastSeq) {
          if (head.hash !== lastHash) {
            return broken(Math.max(1, head.seq), "head_mismatch", `the head's hash differs from seq ${lastSeq}'s`)
          }
          if (anchor !== undefined && anchor.seq > lastSeq) {
            return broken(lastSeq + 1, "truncated", `the anchor is at seq ${anchor.seq} but the log ends at ${lastSeq}`)
          }
          return { ok: true, entries: lastSeq, head } satisfies AuditChainIntact
        }
        // The head is further on: either entries were appended since the last page, or they are gone.
        page = yield* store.readRange(lastSeq + 1, pageSize)
        if (page.length === 0) {
          return broken(lastSeq + 1, "truncated", `the head is at seq ${head.seq} but the log ends at ${lastSeq}`)
        }
        continue
      }
      page = yield* store.readRange(lastSeq + 1, pageSize)
    }
  })
