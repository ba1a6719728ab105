import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Cause, Effect, Exit, Option } from "effect"
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose"
import { expect } from "vitest"
import type { TokenRejected } from "../../src/identity/TokenRejected.js"

/** A fixed "now" for every token test: 2025-06-15T12:00:00Z, in ms. */
export const NOW_MS = Date.UTC(2025, 5, 15, 12, 0, 0)
export const NOW_S = Math.floor(NOW_MS / 1000)
export const now = (): number => NOW_MS

/** A signing key generated for the test, with its public JWK as a JWKS would publish it. */
export interface TestKey {
  readonly alg: string
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  readonly publicJwk: JWK
}

export const makeKey = async (alg: string, kid: string): Promise<TestKey> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" }
  return { alg, kid, privateKey, publicKey, publicJwk }
}

export const jwksOf = (...keys: ReadonlyArray<TestKey>): { keys: Array<JWK> } => ({
  keys: keys.map((key) => key.publicJwk)
})

/** Signs `claims` with `key`; `header` entries are added to (or override) `{ alg, kid, typ: "JWT" }`. */
export const sign = (
  key: TestKey,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
  alg: string = key.alg
): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: "JWT", ...header }).sign(key.privateKey)

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64url")

/** A hand-built compact token: base64url(JSON header) . base64url(JSON payload) . signature. */
export const rawToken = (header: unknown, payload: unknown, signature = ""): string =>
  `${b64(header)}.${b64(payload)}.${signature}`

/** Replaces the payload of a signed token, keeping its header and signature. */
export const withPayload = (token: string, payload: unknown): string => {
  const [header, , signature] = token.split(".")
  return `${header}.${b64(payload)}.${signature}`
}

/** Registered claims valid at `NOW_S` for `iss`/`aud`, to be spread and overridden. */
export const timely = (iss: string, aud: string): JWTPayload => ({
  iss,
  aud,
  iat: NOW_S - 10,
  nbf: NOW_S - 10,
  exp: NOW_S + 600
})

/** Runs `effect` and returns its typed failure, failing the test if it succeeded or died. */
export const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isNone(failure)) throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/** Asserts that `effect` is refused with `reason` (and `claim`, when given). */
export const expectRejected = async <A>(
  effect: Effect.Effect<A, TokenRejected>,
  reason: TokenRejected["reason"],
  claim?: string
): Promise<TokenRejected> => {
  const error = await failureOf(effect)
  expect(error._tag).toBe("TokenRejected")
  expect(error.reason).toBe(reason)
  if (claim !== undefined) expect(error.claim).toBe(claim)
  return error
}

/** A JWKS endpoint on 127.0.0.1 that counts its requests; `jwks` may be replaced to rotate keys. */
export interface JwksServer {
  readonly url: string
  readonly requests: () => number
  jwks: unknown
  status: number
  readonly close: () => Promise<void>
}

export const startJwksServer = async (jwks: unknown): Promise<JwksServer> => {
  let count = 0
  const state = { jwks, status: 200 }
  const server: Server = createServer((request, response) => {
    count += 1
    if (request.url !== "/jwks") {
      response.writeHead(404).end()
      return
    }
    response.writeHead(state.status, { "content-type": "application/json" }).end(JSON.stringify(state.jwks))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    requests: () => count,
    get jwks() {
      return state.jwks
    },
    set jwks(value: unknown) {
      state.jwks = value
    },
    get status() {
      return state.status
    },
    set status(value: number) {
      state.status = value
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      })
  }
}
