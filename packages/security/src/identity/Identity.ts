import { IdentityProvider } from "@coderclaw/protocol"
import { Schema } from "effect"

/**
 * Who a verified credential says the caller is, in the same shape whatever the provider. `subject` is
 * the provider's stable, never-reassigned key for the user (`sub` for OIDC/Google, the numeric id for
 * GitHub, the user name for local accounts), so `principalId` (`<provider>:<subject>`) survives renames.
 * `roles` are the roles the provider's configuration maps this identity to; they are the server's view,
 * never anything the caller asserted.
 */
export const Identity = Schema.Struct({
  provider: IdentityProvider,
  subject: Schema.String,
  principalId: Schema.String,
  displayName: Schema.optionalKey(Schema.String),
  email: Schema.optionalKey(Schema.String),
  roles: Schema.Array(Schema.String),
  /** A few non-secret claims kept for policies and audit (e.g. `repository`, `ref`, `hd`). */
  attributes: Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Boolean]))
})
export type Identity = typeof Identity.Type

/**
 * The principal id of an identity: `<provider>:<subject>`, or `<provider>:<namespace>:<subject>` for
 * providers whose subjects are unique only per issuer (see `docs/security.md`, "Principal ids"). The
 * namespace never contains `:`, so the id parses one way only, whatever the subject holds.
 */
export const principalIdOf = (provider: IdentityProvider, subject: string, namespace?: string): string =>
  namespace === undefined ? `${provider}:${subject}` : `${provider}:${namespace}:${subject}`

/**
 * A configured provider id (`[a-z0-9-]`, 1 to 32 characters, starting with a letter or digit): names an
 * issuer's namespace in principal ids instead of the digest of its URL, so ids stay readable and survive a
 * change of the issuer's URL.
 */
export const ProviderId = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,31}$/, { expected: "a provider id: a-z, 0-9, - (1 to 32)" }))
)
