import type { IdentityProvider } from "@coderclaw/protocol"
import type { JWTPayload } from "jose"
import { TokenRejected } from "../TokenRejected.js"

/**
 * OpenID Connect Core §3.1.3.7 (4, 5): an ID token addressed to several audiences must name, in `azp`, the
 * party it was issued to, and an `azp` present must be one of our client ids. Otherwise a token another
 * client obtained (and listed us in `aud` for) would sign its holder in here.
 */
export const checkAuthorizedParty = (
  provider: IdentityProvider,
  claims: JWTPayload,
  clientIds: string | ReadonlyArray<string>
): TokenRejected | undefined => {
  const accepted = typeof clientIds === "string" ? [clientIds] : clientIds
  const { azp, aud } = claims
  if (azp === undefined) {
    return Array.isArray(aud) && aud.length > 1
      ? new TokenRejected({
          provider,
          reason: "MissingClaim",
          claim: "azp",
          detail: "a token for several audiences must name its authorized party"
        })
      : undefined
  }
  if (typeof azp !== "string") {
    return new TokenRejected({ provider, reason: "InvalidClaim", claim: "azp", detail: "azp must be a string" })
  }
  return accepted.includes(azp)
    ? undefined
    : new TokenRejected({
        provider,
        reason: "WrongAudience",
        claim: "azp",
        detail: "the token was issued to another client"
      })
}
