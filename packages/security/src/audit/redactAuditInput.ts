import type { AuditDetailValue, UnhashedAuditEntry } from "./AuditEntry.js"
import type { AuditInput } from "./AuditInput.js"
import { isSecretKey, redactedMarker, redactSecrets } from "./redactSecrets.js"

/**
 * Size caps applied before an entry is hashed, so one event cannot bloat the log. Lengths are in UTF-16
 * code units; a cut string ends with `…`.
 */
export interface AuditLimits {
  /** `actor`, `device`, `session`, `requestId`, `remoteAddress`. */
  readonly maxFieldLength: number
  readonly maxResourceLength: number
  /** Reasons beyond this count are dropped and replaced by one `…and N more`. */
  readonly maxReasons: number
  readonly maxReasonLength: number
  /** Detail keys beyond this count are dropped; the number dropped is kept under the key `[truncated]`. */
  readonly maxDetailKeys: number
  readonly maxDetailKeyLength: number
  readonly maxDetailValueLength: number
}

/** The default caps: an entry stays within a few tens of kilobytes whatever it is given. */
export const defaultAuditLimits: AuditLimits = {
  maxFieldLength: 256,
  maxResourceLength: 512,
  maxReasons: 16,
  maxReasonLength: 512,
  maxDetailKeys: 32,
  maxDetailKeyLength: 64,
  maxDetailValueLength: 512
}

/** The fields of an entry that come from the caller, made safe to store. */
export type RedactedAuditInput = Omit<UnhashedAuditEntry, "seq" | "id" | "at" | "prevHash">

// Scanning is linear, but a multi-megabyte value is still cut first: nothing past this can survive the
// final cap unless redaction removed most of what came before, and the tail cut below makes that safe too.
const scanLimit = 65_536

const tokenCharacter = /[A-Za-z0-9._~+/=-]/

const cutForScanning = (text: string): string => {
  if (text.length <= scanLimit) return text
  // Drop the credential-like run the cut went through, so half a token cannot slip past the patterns.
  let end = scanLimit
  while (end > 0 && tokenCharacter.test(text.charAt(end - 1))) end--
  return text.slice(0, end)
}

// Lone surrogates cannot be encoded as UTF-8: a store would turn them into U+FFFD and the entry would no
// longer match its hash when read back. Replacing them before hashing keeps every store byte-exact.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const truncate = (text: string, max: number): string => {
  if (text.length <= max) return text
  let end = Math.max(0, max - 1)
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end-- // never split a surrogate pair
  return `${text.slice(0, end)}…`
}

const cleanText = (text: string, max: number): string =>
  truncate(redactSecrets(cutForScanning(String(text)).replace(loneSurrogate, "\uFFFD")), max)

const cleanOptional = (text: string | undefined, max: number): string | undefined =>
  text === undefined ? undefined : cleanText(text, max)

const cleanDetailValue = (value: unknown, max: number): AuditDetailValue | undefined => {
  switch (typeof value) {
    case "string":
      return cleanText(value, max)
    case "number":
      // Canonical JSON has no NaN or Infinity.
      return Number.isFinite(value) ? value : null
    case "boolean":
      return value
    case "undefined":
      return undefined
    default:
      return value === null ? null : "[unsupported]"
  }
}

const cleanDetails = (
  details: Readonly<Record<string, unknown>>,
  limits: AuditLimits
): Record<string, AuditDetailValue> | undefined => {
  const cleaned: Record<string, AuditDetailValue> = {}
  let kept = 0
  let dropped = 0
  for (const [rawKey, rawValue] of Object.entries(details)) {
    if (rawValue === undefined) continue
    if (kept >= limits.maxDetailKeys) {
      dropped++
      continue
    }
    const key = cleanText(rawKey, limits.maxDetailKeyLength)
    const value =
      isSecretKey(rawKey) || isSecretKey(key) ? redactedMarker : cleanDetailValue(rawValue, limits.maxDetailValueLength)
    if (value === undefined) continue
    // A key that came out empty, or as the reserved `[truncated]`, is renamed rather than lost.
    cleaned[key === "" || key === "[truncated]" ? `[key ${kept}]` : key] = value
    kept++
  }
  if (dropped > 0) cleaned["[truncated]"] = dropped
  return kept === 0 && dropped === 0 ? undefined : cleaned
}

const cleanReasons = (reasons: ReadonlyArray<string>, limits: AuditLimits): Array<string> => {
  const kept = reasons.slice(0, limits.maxReasons).map((reason) => cleanText(reason, limits.maxReasonLength))
  const more = reasons.length - kept.length
  if (more > 0) kept.push(`…and ${more} more`)
  return kept
}

/**
 * Makes an event safe to store, before it is hashed (so the hash never covers a secret):
 * - values of `details` keys that name a secret (`isSecretKey`: token, password, secret, authorization,
 *   cookie, privateKey, apiKey, signature, credential, in any case and spelling) become `[redacted]`;
 * - in every string (actor, device, session, resource, reasons, request id, remote address, detail keys
 *   and values) JWTs, bearer/basic credentials, credential headers, PEM blocks and `secret=value` pairs are
 *   replaced with `[redacted]` (`redactSecrets`);
 * - strings, reasons and details are capped (`AuditLimits`); non-finite numbers become `null`, values that
 *   are not JSON primitives become `[unsupported]`, and lone UTF-16 surrogates become U+FFFD;
 * - an empty actor becomes `anonymous`; empty details are left out.
 * The action is not changed here: `record` refuses one that is not a plain action name.
 */
export const redactAuditInput = (input: AuditInput, limits: AuditLimits = defaultAuditLimits): RedactedAuditInput => {
  const actor = cleanText(input.actor ?? "", limits.maxFieldLength)
  const entry: {
    -readonly [K in keyof RedactedAuditInput]: RedactedAuditInput[K]
  } = {
    actor: actor === "" ? "anonymous" : actor,
    action: input.action,
    decision: input.decision,
    reasons: cleanReasons(input.reasons ?? [], limits)
  }
  const device = cleanOptional(input.device, limits.maxFieldLength)
  if (device !== undefined) entry.device = device
  const session = cleanOptional(input.session, limits.maxFieldLength)
  if (session !== undefined) entry.session = session
  const resource = cleanOptional(input.resource, limits.maxResourceLength)
  if (resource !== undefined) entry.resource = resource
  const requestId = cleanOptional(input.requestId, limits.maxFieldLength)
  if (requestId !== undefined) entry.requestId = requestId
  const remoteAddress = cleanOptional(input.remoteAddress, limits.maxFieldLength)
  if (remoteAddress !== undefined) entry.remoteAddress = remoteAddress
  const details = input.details === undefined ? undefined : cleanDetails(input.details, limits)
  if (details !== undefined) entry.details = details
  return entry
}
