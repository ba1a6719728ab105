import { randomUUID } from "node:crypto"
import { type Message, type Part, Role } from "@a2a-js/sdk"
import type { JsonValue } from "@coderclaw/protocol"

/** A text part. */
export const textPart = (text: string): Part => ({
  content: { $case: "text", value: text },
  metadata: undefined,
  filename: "",
  mediaType: "text/plain"
})

/** A structured (JSON) part. */
export const dataPart = (value: unknown): Part => ({
  content: { $case: "data", value },
  metadata: undefined,
  filename: "",
  mediaType: "application/json"
})

/** A reference to bytes elsewhere. */
export const urlPart = (url: string, mediaType: string | undefined, filename: string): Part => ({
  content: { $case: "url", value: url },
  metadata: undefined,
  filename,
  mediaType: mediaType ?? ""
})

/** A JSON value as parts: a string as text (what people read), anything else as data. */
export const partsOf = (value: unknown): Array<Part> => [typeof value === "string" ? textPart(value) : dataPart(value)]

/** A message in a task's conversation. */
export const messageOf = (
  role: "user" | "agent",
  ids: { readonly taskId: string; readonly contextId: string; readonly messageId?: string },
  parts: Array<Part>,
  metadata?: Record<string, unknown>
): Message => ({
  messageId: ids.messageId ?? randomUUID(),
  contextId: ids.contextId,
  taskId: ids.taskId,
  role: role === "user" ? Role.ROLE_USER : Role.ROLE_AGENT,
  parts,
  metadata,
  extensions: [],
  referenceTaskIds: []
})

/** The text of a message's text parts, joined by blank lines (`""` when it has none). */
export const textOf = (message: Message): string =>
  message.parts
    .flatMap((part) => (part.content?.$case === "text" ? [part.content.value] : []))
    .join("\n\n")
    .trim()

/**
 * The task input a message carries: its first data part's value when it has one, otherwise its text, otherwise
 * `null`. So `{"kind":"data","data":{"path":"src"}}` is the input `{ path: "src" }` and a plain text message
 * is a string input (see `docs/a2a.md`).
 */
export const inputOf = (message: Message): JsonValue => {
  for (const part of message.parts) if (part.content?.$case === "data") return (part.content.value ?? null) as JsonValue
  const text = textOf(message)
  return text === "" ? null : text
}
