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
export const subjectFor = (provider: IdentityProvider, raw: string, namespace?: string): string => {
  const prefixLength = provider.length + 1 + (namespace === undefined ? 0 : namespace.length + 1)
  const fits =
    principalIdPattern.test(raw) && !raw.startsWith(hashedPrefix) && prefixLength + raw.length <= principalIdMaxLength
  return fits ? raw : `${hashedPrefix}${createHash("sha256").update(raw, "utf8").digest("base64url")}`
}

/**
 * The namespace of an identity provider instance whose subjects are unique only within it (an OIDC issuer,
 * a GitHub Enterprise Server, a self-hosted Actions issuer): the configured provider id when there is
 * one, else `iss.` + the first 24 hex digits of the SHA-256 of the issuer (or API base URL). Configured
 * ids are `[a-z0-9-]`, never containing `.` or `:`, so a derived namespace can never equal a configured
 * one, and the namespace always ends at the first `:` after the provider.
 */
export const namespaceFor = (configuredId: string | undefined, issuer: string): string =>
  configuredId ?? `iss.${createHash("sha256").update(issuer, "utf8").digest("hex").slice(0, 24)}`

const displayNameMaxLength = 256

/** A display name fit for a `Principal` (1 to 256 characters), or `undefined`. */
export const displayNameFrom = (...candidates: ReadonlyArray<string | undefined>): string | undefined =>
  candidates.find(
    (candidate): candidate is string =>
      candidate !== undefined && candidate.trim().length > 0 && candidate.length <= displayNameMaxLength
  )
