import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto"
import { type ServerKey, type ServerProof, serverProofPayload, Unauthenticated } from "@coderclaw/protocol"
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { calculateJwkThumbprint } from "jose"
import { SessionRejected } from "../sessions/SessionRejected.js"
import { Ed25519PrivateJwk, Ed25519PublicJwk } from "../sessions/SigningKey.js"
import { SigningKeyStore } from "../sessions/SigningKeyStore.js"

/**
 * The id under which the server's identity key is kept in the `SigningKeyStore`. Session-signing keys are
 * keyed by their 43-character JWK thumbprint, so this id can never be one of theirs.
 */
export const serverIdentityRecordId = "server-identity" // also skipped by SessionTokens' ring

/**
 * The server's long-lived Ed25519 identity key. It proves, in every `connect.challenge` a client asked for
 * with its own nonce, that this is the server the client's saved session belongs to, and its id is the
 * audience of every session token the server issues. Unlike session-signing keys it is never rotated
 * away: a new identity makes every client log in again.
 */
export interface ServerIdentityShape {
  /** The key's id (`srv_` + its RFC 7638 JWK thumbprint) and raw public key (base64url). */
  readonly key: ServerKey
  /** The audience of this server's session tokens: `coderclaw-server:<keyId>`. */
  readonly audience: string
  /** Signs `serverProofPayload({ serverNonce, clientNonce })`. */
  prove(serverNonce: string, clientNonce: string): ServerProof
  /** Signs other statements of the server (signed audit heads): base64url Ed25519 over the UTF-8 text. */
  sign(payload: string): string
}

/** The session token audience of the server with identity key `keyId`. */
export const serverAudienceOf = (keyId: string): string => `coderclaw-server:${keyId}`

const fromPrivateJwk = async (jwk: Ed25519PrivateJwk): Promise<ServerIdentityShape> => {
  const privateKey: KeyObject = createPrivateKey({ key: { ...jwk }, format: "jwk" })
  const keyId = `srv_${await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x }, "sha256")}`
  const key: ServerKey = { algorithm: "ed25519", keyId, publicKey: jwk.x }
  const signText = (payload: string): string =>
    sign(null, Buffer.from(payload, "utf8"), privateKey).toString("base64url")
  return {
    key,
    audience: serverAudienceOf(keyId),
    prove: (serverNonce, clientNonce) => ({
      ...key,
      signature: signText(serverProofPayload({ serverNonce, clientNonce }))
    }),
    sign: signText
  }
}

const unavailable = (detail: string) => new SessionRejected({ reason: "Unavailable", detail })

/**
 * Loads the server's identity key from the `SigningKeyStore` (the same database as the session-signing
 * keys), or makes and stores one on first start. Fails `unavailable` when the store fails or holds a key
 * that does not decode.
 */
export const makeServerIdentity: Effect.Effect<ServerIdentityShape, SessionRejected, SigningKeyStore> = Effect.gen(
  function* () {
    const store = yield* SigningKeyStore
    const stored = (yield* store.load).find((record) => record.kid === serverIdentityRecordId)
    if (stored !== undefined) {
      if (stored.privateJwk === undefined)
        return yield* Effect.fail(unavailable("the server identity key has no private half"))
      const jwk = stored.privateJwk
      return yield* Effect.tryPromise({
        try: () => fromPrivateJwk(jwk),
        catch: () => unavailable("the stored server identity key does not import")
      })
    }
    const pair = generateKeyPairSync("ed25519")
    const privateJwk = Schema.decodeUnknownSync(Ed25519PrivateJwk)(pair.privateKey.export({ format: "jwk" }))
    const publicJwk = Schema.decodeUnknownSync(Ed25519PublicJwk)(pair.publicKey.export({ format: "jwk" }))
    const createdAt = yield* Clock.currentTimeMillis
    yield* store.save({ kid: serverIdentityRecordId, publicJwk, privateJwk, createdAt })
    return yield* Effect.promise(() => fromPrivateJwk(privateJwk))
  }
)

/**
 * Whether `proof` is a valid signature by the key it names over this connection's nonces. It says nothing
 * about WHICH server that is: compare `proof.publicKey` with the key pinned at login for that.
 */
export const verifyServerProof = (proof: ServerProof, serverNonce: string, clientNonce: string): boolean => {
  if (proof.algorithm !== "ed25519" || !/^[A-Za-z0-9_-]{43}$/.test(proof.publicKey)) return false
  try {
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: proof.publicKey }, format: "jwk" })
    return verify(
      null,
      Buffer.from(serverProofPayload({ serverNonce, clientNonce }), "utf8"),
      publicKey,
      Buffer.from(proof.signature, "base64url")
    )
  } catch {
    return false
  }
}

/**
 * The client's side of the server identity proof (fits `ServerIdentityCheck` of `@coderclaw/transport-ws`):
 * the challenge must carry a valid proof over this connection's nonces, by the `pinned` public key when one
 * is given. `onProved` receives the proved key (what `coderclaw login` pins). Any failure is
 * `Unauthenticated` reason `server_identity_mismatch`, returned before credentials are sent.
 */
export const serverIdentityCheck = (options: {
  readonly pinned?: string | undefined
  readonly onProved?: ((key: ServerKey) => void) | undefined
}) => ({
  check: (proof: ServerProof | undefined, serverNonce: string, clientNonce: string): Unauthenticated | undefined => {
    const proved =
      proof !== undefined &&
      verifyServerProof(proof, serverNonce, clientNonce) &&
      (options.pinned === undefined || proof.publicKey === options.pinned)
    if (!proved) return new Unauthenticated({ reason: "server_identity_mismatch" })
    options.onProved?.({ algorithm: proof.algorithm, keyId: proof.keyId, publicKey: proof.publicKey })
    return undefined
  }
})

/** The server's identity key as a service: loaded from (or first made in) the `SigningKeyStore`. */
export class ServerIdentity extends Context.Service<ServerIdentity, ServerIdentityShape>()(
  "@coderclaw/security/ServerIdentity"
) {
  static readonly layer: Layer.Layer<ServerIdentity, SessionRejected, SigningKeyStore> = Layer.effect(
    ServerIdentity,
    makeServerIdentity
  )
}
