import { defineSkill, type SkillDefinition } from "@coderclaw/runtime"
import { Effect, Option, Redacted, Schema } from "effect"
import { inputDecoder, lenientInputDecoder } from "../internal/decodeInput.js"
import { LlmError } from "../LlmError.js"
import type { LlmOptions } from "../LlmOptions.js"

/** The id of the `llm.chat` skill. */
export const llmChatId = "llm.chat"

/** One message of a conversation. */
export const ChatMessage = Schema.Struct({
  role: Schema.Literals(["system", "user", "assistant"]),
  content: Schema.String.pipe(Schema.check(Schema.isMaxLength(1_000_000)))
})

/** `{ messages, temperature?, maxTokens? }`. */
const LlmChatInput = Schema.Struct({
  messages: Schema.Array(ChatMessage).pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(500))),
  temperature: Schema.optionalKey(Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 2 })))),
  maxTokens: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))))
})

/** The part of an OpenAI-compatible chat completion we read (other fields are ignored). */
const ChatCompletion = Schema.Struct({
  model: Schema.optionalKey(Schema.String),
  choices: Schema.Array(
    Schema.Struct({
      message: Schema.Struct({ content: Schema.NullOr(Schema.String) }),
      finish_reason: Schema.optionalKey(Schema.NullOr(Schema.String))
    })
  ).pipe(Schema.check(Schema.isMinLength(1))),
  usage: Schema.optionalKey(
    Schema.Struct({
      prompt_tokens: Schema.optionalKey(Schema.Number),
      completion_tokens: Schema.optionalKey(Schema.Number),
      total_tokens: Schema.optionalKey(Schema.Number)
    })
  )
})

/** What `llm.chat` returns. */
export type LlmChatResult = {
  readonly content: string
  readonly model: string
  readonly finishReason: string | null
  readonly usage: {
    readonly promptTokens: number
    readonly completionTokens: number
    readonly totalTokens: number
  } | null
}

const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

/** The error message an endpoint put in its body (`{ error: { message } }` and the like), else the text. */
const complaintOf = (body: string): string => {
  const json = Option.getOrUndefined(parseJson(body)) as
    | { readonly error?: { readonly message?: unknown } | string; readonly message?: unknown }
    | undefined
  const message =
    typeof json?.error === "string"
      ? json.error
      : typeof json?.error?.message === "string"
        ? json.error.message
        : typeof json?.message === "string"
          ? json.message
          : body
  return message.replace(/\s+/g, " ").trim().slice(0, 300)
}

const causeCode = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (typeof cause?.code === "string") return cause.code
  if (typeof cause?.message === "string") return cause.message
  return error instanceof Error ? error.message : "unknown error"
}

const notConfigured = new LlmError({
  reason: "NotConfigured",
  detail:
    "no LLM endpoint is configured: pass `llm: { baseUrl, model, apiKey }` or set CODERCLAW_LLM_BASE_URL and CODERCLAW_LLM_MODEL"
})

const descriptor = {
  id: llmChatId,
  name: "Chat with an LLM",
  description:
    "Sends a conversation to the configured OpenAI-compatible /chat/completions endpoint and returns the reply; off unless an endpoint is configured.",
  permissions: ["skill:execute"]
} as const

/**
 * `llm.chat`: one request to an OpenAI-compatible `POST {baseUrl}/chat/completions` with the configured
 * model. Returns `{ content, model, finishReason, usage }`. HTTP failures are `LlmError`s (`Unauthorized`,
 * `RateLimited`, `HttpError` with the status, `MalformedResponse`, `Unreachable`, `TimedOut`) whose detail
 * is the endpoint's own message with the API key removed. Without options, every call fails with
 * `NotConfigured`. Throws at creation for a base URL that is not an http(s) URL.
 */
export const llmChat = (options: LlmOptions | undefined): SkillDefinition => {
  if (options === undefined) {
    return defineSkill({ ...descriptor, run: () => Effect.fail(notConfigured) })
  }
  const base = new URL(options.baseUrl)
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new TypeError(`llm baseUrl must be an http(s) URL, got ${base.protocol}`)
  }
  const endpoint = `${base.origin}${base.pathname.replace(/\/+$/, "")}/chat/completions`
  const where = base.host
  const apiKey =
    options.apiKey === undefined
      ? undefined
      : typeof options.apiKey === "string"
        ? options.apiKey
        : Redacted.value(options.apiKey)
  const redact = (text: string) =>
    apiKey === undefined || apiKey === "" ? text : text.split(apiKey).join("[redacted]")
  const fetchImpl = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 60_000
  const maxTokens = options.maxTokens ?? 32_768
  const decode = inputDecoder(LlmChatInput, `${llmChatId} input`)
  const decodeCompletion = lenientInputDecoder(ChatCompletion, "chat completion")

  const request = (body: string) =>
    Effect.gen(function* () {
      const response = yield* Effect.tryPromise({
        try: (signal) =>
          fetchImpl(endpoint, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              accept: "application/json",
              ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` })
            },
            body,
            signal,
            redirect: "error"
          }),
        catch: (error) =>
          new LlmError({ reason: "Unreachable", detail: redact(`cannot reach ${where}: ${causeCode(error)}`) })
      })
      const text = yield* Effect.tryPromise({
        try: () => response.text(),
        catch: (error) =>
          new LlmError({
            reason: "Unreachable",
            detail: redact(`the answer from ${where} broke off: ${causeCode(error)}`)
          })
      })
      return { response, text }
    })

  return defineSkill({
    ...descriptor,
    dangerous: options.requireApproval ?? false,
    run: (input) =>
      Effect.gen(function* () {
        const chat = yield* decode(input).pipe(
          Effect.mapError((detail) => new LlmError({ reason: "InvalidInput", detail }))
        )
        const body = JSON.stringify({
          model: options.model,
          messages: chat.messages,
          ...(chat.temperature === undefined ? {} : { temperature: chat.temperature }),
          ...(chat.maxTokens === undefined ? {} : { max_tokens: Math.min(chat.maxTokens, maxTokens) })
        })
        const answered = yield* request(body).pipe(Effect.timeoutOption(timeoutMs))
        if (Option.isNone(answered)) {
          return yield* new LlmError({ reason: "TimedOut", detail: `${where} did not answer within ${timeoutMs} ms` })
        }
        const { response, text } = answered.value
        if (!response.ok) {
          const status = response.status
          const detail = redact(`${where} answered ${status} ${response.statusText}: ${complaintOf(text)}`.trim())
          return yield* new LlmError(
            status === 401 || status === 403
              ? { reason: "Unauthorized", status, detail }
              : status === 429
                ? { reason: "RateLimited", status, detail }
                : { reason: "HttpError", status, detail }
          )
        }
        const json = parseJson(text)
        if (Option.isNone(json)) {
          return yield* new LlmError({
            reason: "MalformedResponse",
            status: response.status,
            detail: `${where} answered ${response.status} with a body that is not JSON`
          })
        }
        const completion = yield* decodeCompletion(json.value).pipe(
          Effect.mapError(
            (problem) =>
              new LlmError({
                reason: "MalformedResponse",
                status: response.status,
                detail: redact(`${where} answered with something other than a chat completion: ${problem}`).slice(
                  0,
                  1_000
                )
              })
          )
        )
        const choice = completion.choices[0]
        const usage = completion.usage
        return {
          content: choice?.message.content ?? "",
          model: completion.model ?? options.model,
          finishReason: choice?.finish_reason ?? null,
          usage:
            usage === undefined
              ? null
              : {
                  promptTokens: usage.prompt_tokens ?? 0,
                  completionTokens: usage.completion_tokens ?? 0,
                  totalTokens: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0)
                }
        } satisfies LlmChatResult
      })
  })
}
