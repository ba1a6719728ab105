import { Effect } from "effect"
import { decodeJwt } from "jose"
import type { Identity } from "../identity/Identity.js"
import type { IdentityVerifier } from "../identity/IdentityVerifier.js"
import { TokenRejected } from "../identity/TokenRejected.js"

/** A configured verifier and the `iss` values it answers for. */
export interface RoutedVerifier {
  readonly issuers: ReadonlyArray<string>
  readonly verifier: IdentityVerifier
}

/**
 * The `iss` claim of a JWT, read WITHOUT verifying anything: used only to pick which verifier must verify
 * the token, never to trust it. `undefined` when the text is not a JWT.
 */
export const unverifiedIssuer = (token: string): string | undefined => {
  if (token.length > 65_536 || token.split(".").length !== 3) return undefined
  try {
    const { iss } = decodeJwt(token)
    return typeof iss === "string" ? iss : undefined
  } catch {
    return undefined
  }
}

/**
 * Sends a provider token to the one verifier configured for its issuer. A token from an issuer nobody
 * configured is refused as `wrong_issuer` without any key lookup.
 */
export const makeTokenRouter = (verifiers: ReadonlyArray<RoutedVerifier>) => {
  const byIssuer = new Map<string, IdentityVerifier>()
  for (const { issuers, verifier } of verifiers) for (const issuer of issuers) byIssuer.set(issuer, verifier)
  return (token: string, issuer: string | undefined): Effect.Effect<Identity, TokenRejected> => {
    const verifier = issuer === undefined ? undefined : byIssuer.get(issuer)
    if (verifier === undefined) {
      return Effect.fail(
        new TokenRejected({
          provider: "oidc",
          reason: issuer === undefined ? "Malformed" : "WrongIssuer",
          detail: issuer === undefined ? "not a JWT" : "no provider is configured for this issuer"
        })
      )
    }
    return verifier.verify(token)
  }
}
