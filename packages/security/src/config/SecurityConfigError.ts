import { Schema } from "effect"

/**
 * A security configuration that cannot be used: unreadable file, invalid YAML, a field that does not
 * match the schema, custom roles or policies that do not load. `issues` name each problem with its path.
 */
export class SecurityConfigError extends Schema.TaggedError<SecurityConfigError>()("SecurityConfigError", {
  reason: Schema.Literals([
    "unreadable",
    "invalid_yaml",
    "invalid_config",
    "invalid_roles",
    "invalid_policies",
    "invalid_provider"
  ]),
  source: Schema.String,
  issues: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `Security configuration ${this.source} refused (${this.reason.replaceAll("_", " ")}):\n${this.issues.map((issue) => `  - ${issue}`).join("\n")}`
  }
}
