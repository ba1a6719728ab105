import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * A security configuration that cannot be used: unreadable file, invalid YAML, a field that does not
 * match the schema, custom roles or policies that do not load. `issues` name each problem with its path.
 */
export class SecurityConfigError extends Schema.TaggedError<SecurityConfigError>()("SecurityConfigError", {
  reason: Schema.Literals([
    "Unreadable",
    "InvalidYaml",
    "InvalidConfig",
    "InvalidRoles",
    "InvalidPolicies",
    "InvalidProvider"
  ]),
  source: Schema.String,
  issues: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `Security configuration ${this.source} refused (${reasonWords(this.reason)}):\n${this.issues.map((issue) => `  - ${issue}`).join("\n")}`
  }
}
