import { Schema } from "effect"

/**
 * What an OIDC login obtained. Tokens are `Redacted` so that logging the value never prints them; read one
 * with `Redacted.value` only where it is sent. The ID token is not verified here beyond what the OAuth
 * client checks on receipt (issuer, audience, nonce, expiry): the server verifies it against the issuer's
 * JWKS before trusting anything in it. Encoding with this schema yields plain strings, for a CLI that
 * stores the tokens in a protected file.
 */
export const LoginTokens = Schema.Struct({
  accessToken: Schema.RedactedFromValue(Schema.String),
  /** `bearer` in practice; lower-cased as received. */
  tokenType: Schema.String,
  idToken: Schema.optionalKey(Schema.RedactedFromValue(Schema.String)),
  refreshToken: Schema.optionalKey(Schema.RedactedFromValue(Schema.String)),
  /** The scopes granted, when the server said (it may grant fewer than asked). */
  scope: Schema.optionalKey(Schema.String),
  /** When the access token expires, in ms since the epoch, computed from `expires_in` on receipt. */
  expiresAt: Schema.optionalKey(Schema.Number)
})
export type LoginTokens = typeof LoginTokens.Type
