import { Schema } from "effect"

/**
 * Why a skill call failed: the agent may not use that skill (`NotAllowed`), the caller's principal is not
 * permitted (`Forbidden`), no such skill is registered (`Unknown`), or the skill itself failed (`Failed`).
 */
export class SkillError extends Schema.TaggedError<SkillError>()("SkillError", {
  reason: Schema.Literals(["NotAllowed", "Forbidden", "Unknown", "Failed"]),
  skillId: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `Skill ${this.skillId} ${this.reason === "Failed" ? "failed" : `refused (${this.reason})`}: ${this.detail}`
  }
}
