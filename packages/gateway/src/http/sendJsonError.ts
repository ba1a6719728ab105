import type { ServerResponse } from "node:http"
import type { ErrorCode } from "@coderclaw/protocol"

/** The body of every refusal the gateway writes itself: our machine-readable code and a message for people. */
export interface JsonErrorBody {
  readonly error: {
    readonly code: ErrorCode
    readonly message: string
    readonly reason?: string
    readonly retryAfterMs?: number
  }
}

/** Answers with a JSON error body and the given HTTP status (unless the response already started). */
export const sendJsonError = (
  response: ServerResponse,
  status: number,
  error: JsonErrorBody["error"],
  headers: Readonly<Record<string, string>> = {}
): void => {
  if (response.headersSent) {
    response.end()
    return
  }
  const body = JSON.stringify({ error } satisfies JsonErrorBody)
  response.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body)
  })
  response.end(body)
}
