import { IdentityProvider } from "@coderclaw/protocol"
import { Schema } from "effect"

/**
 * A verifier's configuration was refused when the verifier was built: a field has the wrong shape, a
 * bound is exceeded, or a setting would weaken verification (`none` or `HS*` in the algorithm list, a
 * remote JWKS over plain HTTP to a non-loopback host). Raised once at start-up, never per token.
 */
export class InvalidVerifierConfig extends Schema.TaggedError<InvalidVerifierConfig>()("InvalidVerifierConfig", {
  provider: IdentityProvider,
  issues: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `Invalid ${this.provider} verifier configuration: ${this.issues.join("; ")}`
  }
}
