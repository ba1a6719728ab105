import type { JsonValue, StepInput } from "@coderclaw/protocol"
import { type AgentDefinition, AgentFailure, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { agentInputDecoder, skillResultDecoder, useSkill } from "../internal/agentSupport.js"
import type { LlmOptions } from "../LlmOptions.js"
import { ChatMessage, llmChatId } from "../skills/llmChat.js"

/** The id of the llm agent. */
export const llmAgentId = "llm"

/**
 * `{ prompt, system?, temperature?, maxTokens? }`, `{ messages, temperature?, maxTokens? }`, or just the
 * prompt as a string.
 */
const Prompt = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(1_000_000)))

const LlmAgentInput = Schema.Struct({
  prompt: Schema.optionalKey(Prompt),
  system: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isMaxLength(100_000)))),
  messages: Schema.optionalKey(Schema.Array(ChatMessage).pipe(Schema.check(Schema.isMinLength(1)))),
  temperature: Schema.optionalKey(Schema.Finite),
  maxTokens: Schema.optionalKey(Schema.Int)
})

const ChatResult = Schema.Struct({
  content: Schema.String,
  model: Schema.String,
  finishReason: Schema.NullOr(Schema.String),
  usage: Schema.NullOr(Schema.Json)
})

/** Most characters of a step's input and dependencies sent to the model. */
const maxStepChars = 100_000

const stepMessages = (step: StepInput) => [
  {
    role: "system" as const,
    content: `You are the "${step.step}" step of the workflow "${step.workflow}". Produce this step's deliverable only, using the input and the results of the earlier steps.`
  },
  {
    role: "user" as const,
    content: JSON.stringify({ input: step.input, earlierSteps: step.dependencies }, null, 2).slice(0, maxStepChars)
  }
]

/**
 * `llm`: a chat agent over `llm.chat`. Input: a prompt (with an optional system message), a whole
 * conversation (`messages`), or, as a workflow step, the step's input and its dependencies' results (any of
 * the generative roles: proposer, critic, planner…). Result: `{ kind: "llm", content, model, finishReason,
 * usage }`; the reply is also recorded as output `reply`. Created without `llm` options, every task fails at
 * once with `LLM_NOT_CONFIGURED`.
 */
export const llmAgent = (options: { readonly llm?: LlmOptions | undefined } = {}): AgentDefinition => {
  const decode = agentInputDecoder(LlmAgentInput, llmAgentId)
  const decodeReply = skillResultDecoder(ChatResult, llmChatId)
  return defineAgent({
    id: llmAgentId,
    name: "LLM",
    description:
      "Answers a prompt, a conversation or a workflow step with the configured OpenAI-compatible model; off unless configured.",
    capabilities: ["llm", "chat", "generate"],
    input: {
      schema: Schema.Union([Prompt, LlmAgentInput]),
      example: { prompt: "Explain what a monorepo is in two sentences.", temperature: 0.2 }
    },
    skills: [llmChatId],
    run: (input, ctx) =>
      Effect.gen(function* () {
        if (options.llm === undefined) {
          return yield* new AgentFailure({
            code: "LLM_NOT_CONFIGURED",
            message:
              "no LLM endpoint is configured: pass `llm: { baseUrl, model, apiKey }` or set CODERCLAW_LLM_BASE_URL and CODERCLAW_LLM_MODEL",
            retryable: false
          })
        }
        const { request, step } = yield* decode(typeof input === "string" ? { prompt: input } : input)
        const messages =
          request.messages ??
          (request.prompt !== undefined
            ? [
                ...(request.system === undefined ? [] : [{ role: "system" as const, content: request.system }]),
                { role: "user" as const, content: request.prompt }
              ]
            : step !== undefined
              ? stepMessages(step)
              : undefined)
        if (messages === undefined) {
          return yield* new AgentFailure({
            code: "INVALID_INPUT",
            message: "give a `prompt` (or a string) or `messages`",
            retryable: false
          })
        }
        const reply = yield* decodeReply(
          yield* useSkill(ctx, llmChatId, {
            messages: messages as unknown as JsonValue,
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens })
          })
        )
        yield* ctx.output("reply", reply.content, "text/plain")
        return { kind: "llm", ...reply }
      })
  })
}
