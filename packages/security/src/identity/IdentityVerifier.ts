import type { IdentityProvider } from "@coderclaw/protocol"
import type { Effect } from "effect"
import type { Identity } from "./Identity.js"
import type { TokenRejected } from "./TokenRejected.js"

/**
 * What every token-based identity provider offers: turn a bearer token into a verified `Identity`, or
 * say precisely why not. Implementations check the signature against keys they were configured with,
 * then the provider's rules, and map the identity to roles from their own configuration only.
 *
 * `verify` needs no services and may be called concurrently and in tight loops; any key material it
 * fetches is cached inside the verifier.
 */
export interface IdentityVerifier {
  readonly provider: IdentityProvider
  verify(token: string): Effect.Effect<Identity, TokenRejected>
}
