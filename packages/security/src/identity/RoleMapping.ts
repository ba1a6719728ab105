import { Schema } from "effect"
import type { JWTPayload } from "jose"

const RoleName = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(64)))
const Roles = Schema.Array(RoleName)

/**
 * How a verified token's identity gets its roles, from this server's configuration only. The roles are
 * the union of:
 *
 * - `default`: roles every identity of the provider gets (e.g. `["readonly"]`);
 * - `subjects`: roles for given subjects (the provider's stable `sub`), e.g. `{ "1043…": ["admin"] }`;
 * - `claim`: roles looked up by the values of one claim, e.g.
 *   `{ name: "groups", values: { "eng-admins": ["admin"], "eng": ["developer"] } }`. The claim may be a
 *   string or an array of strings; other shapes and unknown values give no role.
 *
 * A claim value never becomes a role by itself: only values listed here map to roles, so an issuer
 * cannot mint roles this server does not know. An empty mapping gives no roles.
 */
export const RoleMapping = Schema.Struct({
  default: Schema.optionalKey(Roles),
  subjects: Schema.optionalKey(Schema.Record(Schema.String, Roles)),
  claim: Schema.optionalKey(
    Schema.Struct({
      name: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
      values: Schema.Record(Schema.String, Roles)
    })
  )
})
export type RoleMapping = typeof RoleMapping.Type

const lookup = (table: { readonly [key: string]: ReadonlyArray<string> }, key: string): ReadonlyArray<string> =>
  Object.hasOwn(table, key) ? (table[key] ?? []) : []

/**
 * The roles `mapping` gives the identity `subject` with these verified claims, without duplicates, in
 * the order: default, subject, claim.
 */
export const rolesFor = (
  mapping: RoleMapping | undefined,
  subject: string,
  claims: JWTPayload
): ReadonlyArray<string> => {
  if (mapping === undefined) return []
  const roles = new Set<string>(mapping.default ?? [])
  if (mapping.subjects !== undefined) for (const role of lookup(mapping.subjects, subject)) roles.add(role)
  if (mapping.claim !== undefined && Object.hasOwn(claims, mapping.claim.name)) {
    const value = claims[mapping.claim.name]
    const values = typeof value === "string" ? [value] : Array.isArray(value) ? value : []
    for (const entry of values) {
      if (typeof entry === "string") for (const role of lookup(mapping.claim.values, entry)) roles.add(role)
    }
  }
  return [...roles]
}
