// Base64url without padding (RFC 4648 §5), written on `btoa`/`atob` so the signing side also runs in a
// browser. Decoding is strict: Node's `Buffer.from(text, "base64url")` silently skips invalid characters,
// which would let two different strings name the same key.

const alphabet = /^[A-Za-z0-9_-]*$/

/** Encodes bytes as base64url without padding. */
export const encodeBase64Url = (bytes: Uint8Array): string => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")
}

/**
 * Decodes canonical base64url without padding, or `undefined` when the text is anything else (other
 * characters, padding, an impossible length, or non-zero unused trailing bits).
 */
export const decodeBase64Url = (text: string): Uint8Array | undefined => {
  if (!alphabet.test(text) || text.length % 4 === 1) return undefined
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (text.length % 4)) % 4)
  let binary: string
  try {
    binary = atob(padded)
  } catch {
    return undefined
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
  // Re-encoding must give the same text: this refuses the several spellings of one value that differ only
  // in their unused trailing bits.
  return encodeBase64Url(bytes) === text ? bytes : undefined
}
