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

/** The principal id of an identity: `<provider>:<subject>`. */
export const principalIdOf = (provider: IdentityProvider, subject: string): string => `${provider}:${subject}`
