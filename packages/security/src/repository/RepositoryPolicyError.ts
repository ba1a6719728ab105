import { Schema } from "effect"

/**
 * Why a repository's `.coderclaw/policy.yaml` was refused: it cannot be read (`Unreadable`), is not YAML or
 * does not match its schema (`Invalid`, unknown keys included), or a key would widen the server's policy
 * (`Widening`). `file` is the file's path; `issues` has one line per problem, each naming its key.
 */
export class RepositoryPolicyError extends Schema.TaggedError<RepositoryPolicyError>()("RepositoryPolicyError", {
  reason: Schema.Literals(["Unreadable", "Invalid", "Widening"]),
  file: Schema.String,
  issues: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const what = this.reason === "Widening" ? "would widen the server's policy" : "is invalid"
    return `${this.file} ${this.reason === "Unreadable" ? "cannot be read" : what}: ${this.issues.join("; ")}`
  }
}
