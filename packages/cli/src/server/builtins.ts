import { builtinAgents, builtinSkills, type LlmOptions, shellRunId } from "@coderclaw/agents"
import type { AgentDefinition, SkillDefinition } from "@coderclaw/runtime"
import { Redacted } from "effect"
import type { LlmConfig } from "../config/RuntimeConfig.js"

/** Where the built-in agents work, and the LLM endpoint if one is configured. */
export interface BuiltinOptions {
  readonly repository: string
  /** The server's own files (database, inspection log) that the repository tools must never touch. */
  readonly hidden: ReadonlyArray<string>
  readonly llm?: LlmConfig
  readonly env: Readonly<Record<string, string | undefined>>
  /** Dangerous skills allowed to run without a sandbox when none is available (`unsandboxed` in runtime.yaml). */
  readonly unsandboxed?: ReadonlyArray<string>
}

// The `llm` section of `runtime.yaml` wins; without it, `@coderclaw/agents` reads `CODERCLAW_LLM_BASE_URL`,
// `CODERCLAW_LLM_MODEL` and `CODERCLAW_LLM_API_KEY` from `env`, and the LLM stays off when they are unset.
const llmOf = (options: BuiltinOptions): LlmOptions | undefined => {
  if (options.llm === undefined) return undefined
  const apiKey = options.llm.apiKeyEnv === undefined ? undefined : options.env[options.llm.apiKeyEnv]
  return {
    baseUrl: options.llm.baseUrl,
    model: options.llm.model,
    ...(apiKey === undefined || apiKey === "" ? {} : { apiKey: Redacted.make(apiKey) })
  }
}

/** The built-in agents and skills of `@coderclaw/agents` for one repository. */
export const builtins = (
  options: BuiltinOptions
): { readonly agents: ReadonlyArray<AgentDefinition>; readonly skills: ReadonlyArray<SkillDefinition> } => {
  const llm = llmOf(options)
  const settings = {
    root: options.repository,
    hidden: options.hidden,
    env: options.env,
    ...(llm === undefined ? {} : { llm }),
    ...(options.unsandboxed?.includes(shellRunId) === true ? { shellRun: { allowUnsandboxed: true } } : {})
  }
  return { agents: builtinAgents(settings), skills: builtinSkills(settings) }
}
