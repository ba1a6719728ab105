import { createHash } from "node:crypto"
import type { IdentityProvider } from "@coderclaw/protocol"

/** The principal-id alphabet and bound of `@coderclaw/protocol` (`PrincipalId`). */
const principalIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/
const principalIdMaxLength = 128
const hashedPrefix = "sha256:"

/**
 * The `subject` under which an identity is keyed. Provider subjects are used as they are when they fit
 * the principal-id alphabet and length (Google's numeric `sub`, most OIDC subjects); others (e.g.
 * `auth0|abc`, or very long ones) become `sha256:<base64url digest>`, stable for the same input. Any
 * input that already starts with `sha256:` is hashed too, so a provider subject can never impersonate
 * another one's digest.
 */
export const subjectFor = (provider: IdentityProvider, raw: string): string => {
  const fits =
    principalIdPattern.test(raw) &&
    !raw.startsWith(hashedPrefix) &&
    provider.length + 1 + raw.length <= principalIdMaxLength
  return fits ? raw : `${hashedPrefix}${createHash("sha256").update(raw, "utf8").digest("base64url")}`
}

const displayNameMaxLength = 256

/** A display name fit for a `Principal` (1 to 256 characters), or `undefined`. */
export const displayNameFrom = (...candidates: ReadonlyArray<string | undefined>): string | undefined =>
  candidates.find(
    (candidate): candidate is string =>
      candidate !== undefined && candidate.trim().length > 0 && candidate.length <= displayNameMaxLength
  )
