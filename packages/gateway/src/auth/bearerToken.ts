import type { IncomingMessage } from "node:http"

/** The largest token accepted, as in the WebSocket `connect` credentials. */
const maxTokenLength = 8_192

/**
 * The token of an `Authorization: Bearer <token>` header, or `undefined` when there is none (another scheme,
 * an empty or oversized token, several headers).
 */
export const bearerToken = (request: IncomingMessage): string | undefined => {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer[ \t]+([^ \t]+)[ \t]*$/iu.exec(header)
  const token = match?.[1]
  return token !== undefined && token.length <= maxTokenLength ? token : undefined
}
