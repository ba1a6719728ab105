import { createHash, randomBytes } from "node:crypto"
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose"
import { type FakeServer, listen, readBody, sendJson } from "./fakeHttp.js"

/** What the fake token endpoint answers to the next device-code poll. */
export type DeviceStep = "authorization_pending" | "slow_down" | "access_denied" | "expired_token" | "approve"

interface PendingCode {
  readonly clientId: string
  readonly redirectUri: string
  readonly codeChallenge: string
  readonly nonce: string | undefined
  readonly scope: string
}

/**
 * A minimal OpenID provider for tests: discovery, JWKS (an ES256 key generated with jose), an authorization
 * endpoint that redirects back with `code` and `state` (or `error=access_denied`), a token endpoint that
 * checks the PKCE verifier against the S256 challenge, the redirect URI and the client secret and returns a
 * signed ID token, and a device authorization endpoint whose token polls follow a script.
 */
export interface FakeOidcProvider {
  readonly issuer: string
  readonly jwks: { readonly keys: Array<JWK> }
  /** The `sub` of the ID tokens issued. */
  readonly subject: string
  /** When true, the authorization endpoint redirects with `error=access_denied`. */
  denyAuthorization: boolean
  /** Answers to successive device-code polls; once empty, every poll answers `authorization_pending`. */
  deviceScript: Array<DeviceStep>
  deviceInterval: number | undefined
  deviceExpiresIn: number
  /** Called on each device-code poll with its 1-based number. */
  onDevicePoll: ((count: number) => void) | undefined
  /** Form bodies received by the token endpoint, in order. */
  readonly tokenRequests: Array<URLSearchParams>
  devicePolls: number
  close(): Promise<void>
}

const s256 = (verifier: string): string => createHash("sha256").update(verifier).digest("base64url")

export const startFakeOidcProvider = async (options: {
  readonly clientId: string
  readonly clientSecret?: string
}): Promise<FakeOidcProvider> => {
  const { privateKey, publicKey } = await generateKeyPair("ES256")
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" }
  const codes = new Map<string, PendingCode>()
  const deviceCodes = new Map<string, { readonly scope: string }>()
  let issuer = ""

  const idToken = (claims: Record<string, unknown>) =>
    new SignJWT({ email: "ada@example.com", email_verified: true, ...claims })
      .setProtectedHeader({ alg: "ES256", kid: jwk.kid })
      .setIssuer(issuer)
      .setAudience(options.clientId)
      .setSubject(provider.subject)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(privateKey)

  const tokens = async (scope: string, nonce: string | undefined) => ({
    access_token: `at-${randomBytes(12).toString("hex")}`,
    token_type: "Bearer",
    expires_in: 3600,
    refresh_token: `rt-${randomBytes(12).toString("hex")}`,
    scope,
    id_token: await idToken(nonce === undefined ? {} : { nonce })
  })

  const clientAuthenticated = (form: URLSearchParams): boolean =>
    form.get("client_id") === options.clientId &&
    (options.clientSecret === undefined || form.get("client_secret") === options.clientSecret)

  const server: FakeServer = await listen(async (req, res, url) => {
    if (req.method === "GET" && url.pathname === "/.well-known/openid-configuration") {
      sendJson(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        device_authorization_endpoint: `${issuer}/device`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["ES256"],
        code_challenge_methods_supported: ["S256"],
        grant_types_supported: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
        token_endpoint_auth_methods_supported: ["none", "client_secret_post"]
      })
      return
    }
    if (req.method === "GET" && url.pathname === "/jwks") {
      sendJson(res, 200, provider.jwks)
      return
    }
    if (req.method === "GET" && url.pathname === "/authorize") {
      const q = url.searchParams
      const redirectUri = q.get("redirect_uri") ?? ""
      // Never redirect to an address that was not checked: a real provider matches registered URIs; this
      // one accepts loopback URIs only (RFC 8252 §7.3, any port).
      if (q.get("client_id") !== options.clientId || !redirectUri.startsWith("http://127.0.0.1:")) {
        sendJson(res, 400, { error: "invalid_request" })
        return
      }
      const back = new URL(redirectUri)
      const state = q.get("state")
      if (state !== null) back.searchParams.set("state", state)
      if (provider.denyAuthorization) {
        back.searchParams.set("error", "access_denied")
        back.searchParams.set("error_description", "The user refused")
      } else if (
        q.get("response_type") !== "code" ||
        q.get("code_challenge_method") !== "S256" ||
        q.get("code_challenge") === null
      ) {
        back.searchParams.set("error", "invalid_request")
      } else {
        const code = randomBytes(16).toString("hex")
        codes.set(code, {
          clientId: options.clientId,
          redirectUri,
          codeChallenge: q.get("code_challenge") ?? "",
          nonce: q.get("nonce") ?? undefined,
          scope: q.get("scope") ?? ""
        })
        back.searchParams.set("code", code)
      }
      res.writeHead(302, { location: back.href })
      res.end()
      return
    }
    if (req.method === "POST" && url.pathname === "/device") {
      const form = new URLSearchParams(await readBody(req))
      if (!clientAuthenticated(form)) {
        sendJson(res, 401, { error: "invalid_client" })
        return
      }
      const deviceCode = randomBytes(16).toString("hex")
      deviceCodes.set(deviceCode, { scope: form.get("scope") ?? "" })
      sendJson(res, 200, {
        device_code: deviceCode,
        user_code: "WDJB-MJHT",
        verification_uri: `${issuer}/activate`,
        verification_uri_complete: `${issuer}/activate?user_code=WDJB-MJHT`,
        expires_in: provider.deviceExpiresIn,
        ...(provider.deviceInterval === undefined ? {} : { interval: provider.deviceInterval })
      })
      return
    }
    if (req.method === "POST" && url.pathname === "/token") {
      const form = new URLSearchParams(await readBody(req))
      provider.tokenRequests.push(form)
      if (!clientAuthenticated(form)) {
        sendJson(res, 401, { error: "invalid_client" })
        return
      }
      const grantType = form.get("grant_type")
      if (grantType === "authorization_code") {
        const code = form.get("code") ?? ""
        const pending = codes.get(code)
        codes.delete(code) // single use, whatever the outcome
        if (pending === undefined || pending.redirectUri !== form.get("redirect_uri")) {
          sendJson(res, 400, { error: "invalid_grant", error_description: "unknown code or redirect_uri" })
          return
        }
        const verifier = form.get("code_verifier")
        if (verifier === null || s256(verifier) !== pending.codeChallenge) {
          sendJson(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" })
          return
        }
        sendJson(res, 200, await tokens(pending.scope, pending.nonce))
        return
      }
      if (grantType === "urn:ietf:params:oauth:grant-type:device_code") {
        const device = deviceCodes.get(form.get("device_code") ?? "")
        if (device === undefined) {
          sendJson(res, 400, { error: "invalid_grant" })
          return
        }
        provider.devicePolls += 1
        provider.onDevicePoll?.(provider.devicePolls)
        const step = provider.deviceScript.shift() ?? "authorization_pending"
        if (step === "approve") {
          sendJson(res, 200, await tokens(device.scope, undefined))
        } else {
          sendJson(res, 400, { error: step })
        }
        return
      }
      sendJson(res, 400, { error: "unsupported_grant_type" })
      return
    }
    sendJson(res, 404, { error: "not_found" })
  })
  issuer = server.origin

  const provider: FakeOidcProvider = {
    issuer,
    jwks: { keys: [jwk] },
    subject: "user-1234",
    denyAuthorization: false,
    deviceScript: [],
    deviceInterval: 1,
    deviceExpiresIn: 600,
    onDevicePoll: undefined,
    tokenRequests: [],
    devicePolls: 0,
    close: () => server.close()
  }
  return provider
}
