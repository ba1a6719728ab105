import { createHash } from "node:crypto"
import canonicalizeModule from "canonicalize"
import type { UnhashedAuditEntry } from "./AuditEntry.js"

type Canonicalize = (input: unknown) => string | undefined

// The package is CommonJS (`module.exports = serialize`) while its types declare an ES default export, so
// under NodeNext the types see a namespace. At run time Node hands ESM importers `module.exports` as the
// default; a bundler's interop may wrap it in `{ default }` instead. Accept both.
const canonicalize: Canonicalize = ((mod: unknown): Canonicalize =>
  typeof mod === "function" ? (mod as Canonicalize) : (mod as { readonly default: Canonicalize }).default)(
  canonicalizeModule
)

// Only the schema's fields are hashed, copied by name: a row object carrying extra columns, or an entry
// that still has its `hash`, hashes the same as the bare entry.
const hashedFields = [
  "seq",
  "id",
  "at",
  "actor",
  "device",
  "session",
  "action",
  "resource",
  "decision",
  "reasons",
  "requestId",
  "remoteAddress",
  "details",
  "prevHash"
] as const satisfies ReadonlyArray<keyof UnhashedAuditEntry>

/**
 * The canonical JSON (RFC 8785: sorted keys, no whitespace, ES number formatting) of everything an entry's
 * hash covers: all its fields but `hash`. Absent optional fields are left out. This exact text is what
 * `hashAuditEntry` digests, so it is also what an external verifier must rebuild.
 */
export const canonicalAuditJson = (entry: UnhashedAuditEntry): string => {
  const covered: Record<string, unknown> = {}
  for (const field of hashedFields) {
    const value = entry[field]
    if (value !== undefined) covered[field] = value
  }
  const text = canonicalize(covered)
  // canonicalize answers undefined only for an undefined input; an object always serialises.
  if (text === undefined) throw new Error("canonicalize returned nothing for an audit entry")
  return text
}

/** `sha256_hex(canonicalAuditJson(entry))`: the `hash` an entry must carry. */
export const hashAuditEntry = (entry: UnhashedAuditEntry): string =>
  createHash("sha256").update(canonicalAuditJson(entry), "utf8").digest("hex")
