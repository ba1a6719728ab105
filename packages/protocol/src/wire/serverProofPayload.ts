/** The query parameter of the WebSocket URL that carries the client's nonce for the server's proof. */
export const clientNonceParameter = "clientNonce"

/** The form of a client nonce: 22 to 128 base64url characters (at least 128 bits). */
export const clientNoncePattern: RegExp = /^[A-Za-z0-9_-]{22,128}$/

/**
 * The exact bytes (UTF-8 of this string) a server signs with its identity key in `connect.challenge`:
 * both the server's fresh nonce and the client's (sent in the URL before any frame), so a signature made
 * for one connection proves nothing on another, and a server that does not hold the key cannot answer a
 * client's fresh nonce with a real server's old signature.
 */
export const serverProofPayload = (claims: { readonly serverNonce: string; readonly clientNonce: string }): string =>
  JSON.stringify({
    type: "coderclaw.server-proof",
    version: 1,
    serverNonce: claims.serverNonce,
    clientNonce: claims.clientNonce
  })
