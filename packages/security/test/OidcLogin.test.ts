import { createHash, randomBytes } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Redacted } from "effect"
import { createLocalJWKSet, jwtVerify } from "jose"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  type AuthorizationCodeLoginOptions,
  type DeviceCodeLoginOptions,
  type DeviceCodePrompt,
  loginWithAuthorizationCode,
  loginWithDeviceCode
} from "../src/login/index.js"
import { makeFakeClock } from "./support/fakeClock.js"
import { type FakeOidcProvider, startFakeOidcProvider } from "./support/fakeOidcProvider.js"

const clientId = "coderclaw-cli"

/** What the test's "browser" saw when it followed the authorization URL back to the loopback listener. */
interface BrowserVisit {
  readonly authorizationUrl: URL
  readonly redirect: URL
  readonly status: number
  readonly page: string
}

/**
 * Plays the user's browser: opens the authorization URL (optionally rewritten first), takes the
 * provider's redirect (optionally tampered with) and follows it to the CLI's loopback listener.
 */
const browse = async (
  url: URL,
  tamper: { readonly authorization?: (url: URL) => void; readonly redirect?: (url: URL) => void } = {}
): Promise<BrowserVisit> => {
  const authorizationUrl = new URL(url)
  tamper.authorization?.(authorizationUrl)
  const authorization = await fetch(authorizationUrl, { redirect: "manual" })
  expect(authorization.status).toBe(302)
  const redirect = new URL(authorization.headers.get("location") ?? "")
  tamper.redirect?.(redirect)
  const landing = await fetch(redirect)
  return { authorizationUrl: new URL(url), redirect, status: landing.status, page: await landing.text() }
}

/** A hook that plays the browser when the CLI hands it the URL, and the visit it made. */
const browser = (tamper?: Parameters<typeof browse>[1]) => {
  let visit: Promise<BrowserVisit> | undefined
  return {
    hook: (url: URL) => {
      visit = browse(url, tamper)
    },
    visited: (): Promise<BrowserVisit> => visit ?? Promise.reject(new Error("the browser was never opened"))
  }
}

const defined = <A>(value: A | undefined): A => {
  if (value === undefined) throw new Error("expected a value")
  return value
}

const failureOf = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(effect))

let provider: FakeOidcProvider

beforeEach(async () => {
  provider = await startFakeOidcProvider({ clientId })
})

afterEach(async () => {
  await provider.close()
})

describe("loginWithAuthorizationCode", () => {
  const options = (
    onAuthorizationUrl: AuthorizationCodeLoginOptions["onAuthorizationUrl"],
    extra: Partial<AuthorizationCodeLoginOptions> = {}
  ): AuthorizationCodeLoginOptions => ({
    issuer: provider.issuer,
    clientId,
    allowInsecureRequests: true,
    timeout: "5 seconds",
    onAuthorizationUrl,
    ...extra
  })

  it("logs in with code + PKCE through the loopback redirect and returns the provider's tokens", async () => {
    const user = browser()
    const before = Date.now()
    const tokens = await Effect.runPromise(loginWithAuthorizationCode(options(user.hook)))
    const seen = await user.visited()
    const query = seen.authorizationUrl.searchParams

    // The authorization request: PKCE S256, state, nonce, a loopback redirect, openid scope.
    expect(query.get("code_challenge_method")).toBe("S256")
    expect(query.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(query.get("state")).toBeTruthy()
    expect(query.get("nonce")).toBeTruthy()
    expect(query.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    expect(query.get("scope")?.split(" ")).toEqual(["openid", "profile", "email"])

    // The token request carried the verifier matching that challenge (the fake provider checked it too).
    const tokenRequest = defined(provider.tokenRequests[0])
    const verifier = tokenRequest.get("code_verifier") ?? ""
    expect(createHash("sha256").update(verifier).digest("base64url")).toBe(query.get("code_challenge"))
    expect(tokenRequest.get("redirect_uri")).toBe(query.get("redirect_uri"))

    // The tokens, with a signed ID token bound to this login's nonce.
    expect(tokens.tokenType).toBe("bearer")
    expect(Redacted.value(tokens.accessToken)).toMatch(/^at-/)
    expect(Redacted.value(defined(tokens.refreshToken))).toMatch(/^rt-/)
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000)
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000)
    const idToken = Redacted.value(defined(tokens.idToken))
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(provider.jwks), {
      issuer: provider.issuer,
      audience: clientId
    })
    expect(payload.sub).toBe(provider.subject)
    expect(payload.nonce).toBe(query.get("nonce"))
    // Redacted: printing the tokens does not print them.
    expect(String(tokens.idToken)).not.toContain(idToken)

    // The browser was told, and the listener is gone.
    expect(seen.status).toBe(200)
    expect(seen.page).toContain("Signed in")
    await expect(fetch(seen.redirect)).rejects.toThrow()
  })

  it("fails with exchange_failed when the provider refuses the PKCE verifier", async () => {
    // The authorization is started with someone else's challenge (an injected code): the CLI's own
    // verifier no longer matches, and the provider refuses the exchange.
    const attackerChallenge = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("base64url")
    const user = browser({ authorization: (u) => u.searchParams.set("code_challenge", attackerChallenge) })
    const error = await failureOf(loginWithAuthorizationCode(options(user.hook)))
    expect(error._tag).toBe("LoginFailed")
    expect(error.reason).toBe("ExchangeFailed")
    expect(error.detail).toContain("invalid_grant")
    expect(provider.tokenRequests).toHaveLength(1)
    const seen = await user.visited()
    expect(seen.status).toBe(400)
    expect(seen.page).toContain("Sign-in failed")
  })

  it("refuses a redirect whose state is not this login's, without calling the token endpoint", async () => {
    const user = browser({ redirect: (u) => u.searchParams.set("state", "forged-state") })
    const error = await failureOf(loginWithAuthorizationCode(options(user.hook)))
    expect(error.reason).toBe("StateMismatch")
    expect(provider.tokenRequests).toHaveLength(0)
    expect((await user.visited()).status).toBe(400)
  })

  it("fails with timeout when the browser never comes back, and closes the listener", async () => {
    let redirectUri = ""
    const error = await failureOf(
      loginWithAuthorizationCode(
        options(
          (url) => {
            redirectUri = url.searchParams.get("redirect_uri") ?? ""
          },
          { timeout: "150 millis" }
        )
      )
    )
    expect(error.reason).toBe("Timeout")
    await expect(fetch(redirectUri)).rejects.toThrow()
  })

  it("reports a refusal at the provider as access_denied", async () => {
    provider.denyAuthorization = true
    const user = browser()
    const error = await failureOf(loginWithAuthorizationCode(options(user.hook)))
    expect(error.reason).toBe("AccessDenied")
    expect(error.detail).toContain("access_denied")
    expect(provider.tokenRequests).toHaveLength(0)
    expect((await user.visited()).page).toContain("refused")
  })

  it("fails with discovery_failed for an unreachable or mis-declared issuer", async () => {
    const wrongPath = await failureOf(
      loginWithAuthorizationCode(options(() => {}, { issuer: `${provider.issuer}/elsewhere` }))
    )
    expect(wrongPath.reason).toBe("DiscoveryFailed")
    const notAUrl = await failureOf(loginWithAuthorizationCode(options(() => {}, { issuer: "not a url" })))
    expect(notAUrl.reason).toBe("DiscoveryFailed")
  })

  it("refuses an http issuer unless insecure requests are explicitly allowed", async () => {
    const error = await failureOf(loginWithAuthorizationCode(options(() => {}, { allowInsecureRequests: false })))
    expect(error.reason).toBe("DiscoveryFailed")
    expect(error.detail).toContain("HTTPS")
  })

  it("fails with prompt_failed when the hook cannot show the URL", async () => {
    const error = await failureOf(
      loginWithAuthorizationCode(
        options(() => {
          throw new Error("no terminal")
        })
      )
    )
    expect(error.reason).toBe("PromptFailed")
    expect(error.detail).toBe("no terminal")
  })

  it("fails with listener_failed when the requested loopback port is taken", async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve))
    try {
      const { port } = taken.address() as AddressInfo
      const error = await failureOf(loginWithAuthorizationCode(options(() => {}, { port })))
      expect(error.reason).toBe("ListenerFailed")
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })

  it("authenticates a confidential client with its secret", async () => {
    const confidential = await startFakeOidcProvider({ clientId, clientSecret: "s3cret" })
    try {
      const first = browser()
      const tokens = await Effect.runPromise(
        loginWithAuthorizationCode(
          options(first.hook, { issuer: confidential.issuer, clientSecret: Redacted.make("s3cret") })
        )
      )
      expect(tokens.idToken).toBeDefined()
      expect((await first.visited()).status).toBe(200)
      const second = browser()
      const wrong = await failureOf(
        loginWithAuthorizationCode(options(second.hook, { issuer: confidential.issuer, clientSecret: "wrong" }))
      )
      expect(wrong.reason).toBe("ExchangeFailed")
      expect(wrong.detail).toContain("invalid_client")
      expect((await second.visited()).status).toBe(400)
    } finally {
      await confidential.close()
    }
  })

  it("ends with aborted when the signal fires while waiting for the browser", async () => {
    const controller = new AbortController()
    const error = await failureOf(
      loginWithAuthorizationCode(
        options(
          () => {
            setTimeout(() => controller.abort(), 20)
          },
          { signal: controller.signal }
        )
      )
    )
    expect(error.reason).toBe("Aborted")
  })
})

describe("loginWithDeviceCode", () => {
  const run = (clock: ReturnType<typeof makeFakeClock>, extra: Partial<DeviceCodeLoginOptions> = {}) => {
    const prompts: Array<DeviceCodePrompt> = []
    const effect = clock.provide(
      loginWithDeviceCode({
        issuer: provider.issuer,
        clientId,
        allowInsecureRequests: true,
        onUserCode: (prompt) => {
          prompts.push(prompt)
        },
        ...extra
      })
    )
    return { effect, prompts }
  }

  it("returns tokens after authorization_pending and slow_down, waiting the interval and 5 s more after slow_down", async () => {
    provider.deviceScript = ["authorization_pending", "slow_down", "approve"]
    provider.deviceInterval = 1
    const clock = makeFakeClock()
    const { effect, prompts } = run(clock)
    const tokens = await Effect.runPromise(effect)

    expect(prompts).toEqual([
      {
        verificationUri: `${provider.issuer}/activate`,
        verificationUriComplete: `${provider.issuer}/activate?user_code=WDJB-MJHT`,
        userCode: "WDJB-MJHT",
        expiresInSeconds: 600
      }
    ])
    expect(clock.sleeps).toEqual([1_000, 1_000, 6_000])
    expect(provider.devicePolls).toBe(3)
    expect(tokens.expiresAt).toBe(clock.now() + 3_600_000)
    const { payload } = await jwtVerify(Redacted.value(defined(tokens.idToken)), createLocalJWKSet(provider.jwks), {
      issuer: provider.issuer,
      audience: clientId
    })
    expect(payload.sub).toBe(provider.subject)
  })

  it("waits 5 s between polls when the provider names no interval", async () => {
    provider.deviceScript = ["authorization_pending", "approve"]
    provider.deviceInterval = undefined
    const clock = makeFakeClock()
    await Effect.runPromise(run(clock).effect)
    expect(clock.sleeps).toEqual([5_000, 5_000])
  })

  it("fails with access_denied when the user refuses", async () => {
    provider.deviceScript = ["authorization_pending", "access_denied"]
    const error = await failureOf(run(makeFakeClock()).effect)
    expect(error.reason).toBe("AccessDenied")
  })

  it("fails with expired_token when the provider says the code expired", async () => {
    provider.deviceScript = ["expired_token"]
    const error = await failureOf(run(makeFakeClock()).effect)
    expect(error.reason).toBe("ExpiredToken")
  })

  it("fails with timeout once the code's lifetime has passed locally, without polling after it", async () => {
    provider.deviceExpiresIn = 30
    provider.deviceInterval = 5
    const clock = makeFakeClock()
    const start = clock.now()
    const error = await failureOf(run(clock).effect)
    expect(error.reason).toBe("Timeout")
    expect(provider.devicePolls).toBe(6)
    expect(clock.now() - start).toBe(30_000)
  })

  it("honours a caller timeout shorter than the code's lifetime", async () => {
    provider.deviceInterval = 5
    const error = await failureOf(run(makeFakeClock(), { timeout: "12 seconds" }).effect)
    expect(error.reason).toBe("Timeout")
    expect(provider.devicePolls).toBe(2)
  })

  it("stops polling with aborted when the signal fires", async () => {
    const controller = new AbortController()
    provider.onDevicePoll = (count) => {
      if (count === 2) controller.abort()
    }
    const error = await failureOf(run(makeFakeClock(), { signal: controller.signal }).effect)
    expect(error.reason).toBe("Aborted")
    const polls = provider.devicePolls
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(provider.devicePolls).toBe(polls)
    expect(polls).toBeLessThanOrEqual(3)
  })

  it("fails with device_authorization_failed when the client is unknown", async () => {
    const error = await failureOf(run(makeFakeClock(), { clientId: "someone-else" }).effect)
    expect(error.reason).toBe("DeviceAuthorizationFailed")
  })
})
