/** What replaces a secret in the audit log. */
export const redactedMarker = "[redacted]"

// Compared against the key lower-cased with everything but letters and digits removed, so `access_token`,
// `X-Api-Key`, `client_secret`, `set-cookie` and `privateKeyPem` all match.
const secretKeyParts = [
  "token",
  "password",
  "passwd",
  "secret",
  "authorization",
  "cookie",
  "privatekey",
  "apikey",
  "signature",
  "credential"
] as const

/**
 * Whether a key names a secret: it contains (case-insensitively, ignoring `_`, `-`, `.` and the like)
 * `token`, `password`, `passwd`, `secret`, `authorization`, `cookie`, `privateKey`, `apiKey`, `signature`
 * or `credential`. Deliberately broad: a harmless `tokenCount` is redacted too, which costs a detail, while
 * a miss would cost a credential.
 */
export const isSecretKey = (key: string): boolean => {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, "")
  return secretKeyParts.some((part) => normalised.includes(part))
}

// Every pattern below starts only where the previous character cannot continue the match (a look-behind),
// so each is linear in the text: a hostile multi-megabyte value cannot stall the log.

/** A PEM block (`-----BEGIN … KEY-----` … `-----END …-----`); an unterminated one runs to the end. */
const pemBlock = /-----BEGIN [^\r\n-]{1,64}-----[\s\S]*?(?:-----END [^\r\n-]{1,64}-----|$)/g

/** An HTTP `Authorization` / `Cookie` header line: everything after the colon. */
const credentialHeader = /(?<![A-Za-z0-9_-])((?:proxy-)?authorization|(?:set-)?cookie)(\s*:\s*)[^\r\n]*/gi

/** `Bearer <token>` in any case. */
const bearerCredential = /(?<![A-Za-z0-9_-])bearer\s+[A-Za-z0-9._~+/=-]+/gi

/** `Basic <base64>` in any case; kept only when the base64 does not decode to `user:password`. */
const basicCredential = /(?<![A-Za-z0-9_-])basic\s+([A-Za-z0-9+/=]{4,})/gi

/** Dot-separated base64url segments: a JWS or JWE compact serialisation when the first is a JSON object. */
const compactJose = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_-]{2,})(?:\.[A-Za-z0-9_-]*){2,4}/g

/** User and password in a URL (`https://user:password@host`). */
const urlUserInfo = /(\/\/)[^/\s:@]{1,256}:[^/\s@]{1,256}@/g

/**
 * `name=value` (query strings, log lines); the value is redacted when the name is a secret's, or is one of
 * the short query parameter names that carry credentials (`code` of OAuth redirects, `sig`, `key`).
 */
const keyEqualsValue = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]{0,63})(\s*=\s*)("[^"\r\n]*"?|[^\s&;,"]+)/g
const secretParameters: ReadonlySet<string> = new Set(["code", "sig", "key"])

/**
 * `name: value` (YAML, log lines); the value is redacted when the name is a secret's and the value looks like
 * a credential rather than a word (it has a digit or one of `._~+/=-`, or 16 characters or more), so that
 * `password: hunter2` is redacted while a reason such as `token: expired` stays readable.
 */
const keyColonValue = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]{0,63}):([ \t]*)([^\s&;,"]+)/g
const looksLikeCredential = (value: string): boolean => value.length >= 16 || /[0-9._~+/=-]/.test(value)

/** `"name": "value"` inside embedded JSON; the value is redacted when the name is a secret's. */
const jsonMember = /"([^"\\\r\n]{1,64})"(\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)/g

const isJoseHeader = (segment: string): boolean => {
  // 16 base64url characters are 12 bytes: enough to see `{"` after any leading whitespace.
  const start = Buffer.from(segment.slice(0, 16), "base64url").toString("latin1")
  return /^\s*\{\s*"/.test(start)
}

const isUserPassword = (base64: string): boolean => Buffer.from(base64, "base64").toString("latin1").includes(":")

/**
 * Replaces every secret found in free text with `[redacted]`:
 * - PEM blocks (private keys, certificates), terminated or not;
 * - `Authorization:`, `Proxy-Authorization:`, `Cookie:` and `Set-Cookie:` header values;
 * - `Bearer <token>` and `Basic <user:password in base64>` credentials;
 * - JWTs (JWS and JWE compact forms: three to five base64url segments whose first decodes to a JSON object);
 * - user and password in URLs (`https://user:password@host`);
 * - `name=value` pairs, credential-like `name: value` pairs and embedded JSON `"name": "value"` members
 *   whose name is a secret's (`isSecretKey`), plus the `code`, `sig` and `key` query parameters.
 * Text without any of these is returned unchanged.
 */
export const redactSecrets = (text: string): string =>
  text
    .replace(pemBlock, redactedMarker)
    .replace(credentialHeader, (_match, name: string, separator: string) => `${name}${separator}${redactedMarker}`)
    .replace(bearerCredential, redactedMarker)
    .replace(basicCredential, (match, encoded: string) => (isUserPassword(encoded) ? redactedMarker : match))
    .replace(compactJose, (match, first: string) => (isJoseHeader(first) ? redactedMarker : match))
    .replace(urlUserInfo, `$1${redactedMarker}@`)
    .replace(keyEqualsValue, (match, name: string, separator: string) =>
      isSecretKey(name) || secretParameters.has(name.toLowerCase()) ? `${name}${separator}${redactedMarker}` : match
    )
    .replace(keyColonValue, (match, name: string, separator: string, value: string) =>
      isSecretKey(name) && looksLikeCredential(value) ? `${name}:${separator}${redactedMarker}` : match
    )
    .replace(jsonMember, (match, name: string, separator: string) =>
      isSecretKey(name) ? `"${name}"${separator}"${redactedMarker}"` : match
    )
