import { Schema } from "effect"

/**
 * Why an agent module was refused: its file does not exist (`NotFound`), importing it threw
 * (`ImportFailed`), it exports no agent or skill (`NothingUsable`), an export looks like a definition but is
 * not one (`Malformed`), a descriptor does not match the protocol's schema (`InvalidDescriptor`), or an id
 * is already taken by a built-in or another module (`DuplicateId`). `module` is the module's path.
 */
export class AgentModuleError extends Schema.TaggedError<AgentModuleError>()("AgentModuleError", {
  reason: Schema.Literals([
    "NotFound",
    "ImportFailed",
    "NothingUsable",
    "Malformed",
    "InvalidDescriptor",
    "DuplicateId"
  ]),
  module: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `agent module ${this.module}: ${this.detail}`
  }
}
