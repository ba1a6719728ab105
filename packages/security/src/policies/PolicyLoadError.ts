import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why a policy set was refused: the configuration did not match its schema (`invalid_config`, with the
 * field paths), it reused an id, named a role the role table does not define, had Cedar that did not
 * parse or validate (with the policy id), or one of its embedded test cases failed (with the case name).
 */
export const PolicyLoadErrorReason = Schema.Literals([
  "InvalidConfig",
  "DuplicateId",
  "UnknownRole",
  "CedarParse",
  "CedarValidation",
  "TestFailed"
])
export type PolicyLoadErrorReason = typeof PolicyLoadErrorReason.Type

/**
 * A policy set was refused as a whole; whatever set was in force before stays in force. `subject` is the
 * policy id or test case at fault; `details` has one line per problem.
 */
export class PolicyLoadError extends Schema.TaggedError<PolicyLoadError>()("PolicyLoadError", {
  reason: PolicyLoadErrorReason,
  subject: Schema.optionalKey(Schema.String),
  details: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const at = this.subject === undefined ? "" : ` (${this.subject})`
    return `Policy set refused, ${reasonWords(this.reason)}${at}: ${this.details.join("; ")}`
  }
}
