import { Redacted } from "effect"

/**
 * An OpenAI-compatible chat endpoint. Without one, `llm.chat` and the `llm` agent are not registered by
 * `builtinSkills`/`builtinAgents` (and refuse every call when registered by hand).
 */
export interface LlmOptions {
  /** The API's base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string
  /** The model to ask, e.g. `gpt-4o-mini`. */
  readonly model: string
  /** Sent as `Authorization: Bearer …`; never logged, returned or put in an error. */
  readonly apiKey?: string | Redacted.Redacted<string>
  /** The `fetch` to use; default the global one. */
  readonly fetch?: typeof globalThis.fetch
  /** Longest a request may take. Default 60,000 ms. */
  readonly timeoutMs?: number
  /** Most tokens a call's `maxTokens` may ask for. Default 32,768. */
  readonly maxTokens?: number
  /**
   * Declare `llm.chat` dangerous, so that (depending on your authorizer) every call waits for a person's
   * approval: for endpoints where sending repository content is itself a decision. Default false.
   */
  readonly requireApproval?: boolean
}

/** The environment variables `llmOptionsFromEnv` reads. */
export const llmEnvVariables = {
  baseUrl: "CODERCLAW_LLM_BASE_URL",
  model: "CODERCLAW_LLM_MODEL",
  apiKey: "CODERCLAW_LLM_API_KEY"
} as const

/**
 * The endpoint configured in the environment: `CODERCLAW_LLM_BASE_URL` and `CODERCLAW_LLM_MODEL` (both
 * required), `CODERCLAW_LLM_API_KEY` (optional). `undefined` when it is not configured: the LLM stays off.
 */
export const llmOptionsFromEnv = (
  env: Readonly<Record<string, string | undefined>> = process.env
): LlmOptions | undefined => {
  const baseUrl = env[llmEnvVariables.baseUrl]?.trim()
  const model = env[llmEnvVariables.model]?.trim()
  if (baseUrl === undefined || baseUrl === "" || model === undefined || model === "") return undefined
  const apiKey = env[llmEnvVariables.apiKey]?.trim()
  return { baseUrl, model, ...(apiKey === undefined || apiKey === "" ? {} : { apiKey: Redacted.make(apiKey) }) }
}
