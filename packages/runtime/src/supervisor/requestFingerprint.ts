import { createHash } from "node:crypto"
import type { SubmitRequest } from "@coderclaw/protocol"

/** JSON text with object keys sorted at every level: equal values give equal text. */
const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null"
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(",")}}`
}

/**
 * What identifies a keyed submit's request, so a retry can be told from another request that reuses the
 * key: a SHA-256 of the decoded request (without its key) and the session it resolved to, key order aside.
 */
export const requestFingerprint = (request: SubmitRequest, sessionId: string): string => {
  const { idempotencyKey: _key, ...rest } = request
  return createHash("sha256")
    .update(canonicalJson({ ...rest, sessionId }))
    .digest("base64url")
}
