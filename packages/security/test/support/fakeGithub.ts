import { randomBytes } from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"
import { type FakeServer, listen, readBody, sendJson } from "./fakeHttp.js"

/** What the fake `/login/oauth/access_token` answers to the next poll. */
export type GithubDeviceStep = "authorization_pending" | "slow_down" | "access_denied" | "expired_token" | "approve"

export interface FakeGithubUser {
  id: number
  login: string
  name: string | null
}

/**
 * A fake github.com + REST API for the OAuth device flow. OAuth endpoints answer errors with HTTP 200 and
 * a form-encoded body unless `Accept: application/json` is sent, like GitHub. The API lives under
 * `/api/v3` (as on GitHub Enterprise Server), checks the bearer token it issued, and paginates lists with
 * `Link` headers, `pageSize` items per page.
 */
export interface FakeGithub {
  /** What to pass as `baseUrl`. */
  readonly baseUrl: string
  /** What to pass as `apiBaseUrl`. */
  readonly apiBaseUrl: string
  readonly clientId: string
  user: FakeGithubUser
  orgs: Array<string>
  teams: Array<{ readonly org: string; readonly slug: string }>
  pageSize: number
  deviceScript: Array<GithubDeviceStep>
  deviceInterval: number
  deviceExpiresIn: number
  /** When set, every API call answers this status. */
  apiFailure: number | undefined
  /** Every request received: method, path and headers. */
  readonly requests: Array<{ readonly method: string; readonly path: string; readonly headers: IncomingHttpHeaders }>
  close(): Promise<void>
}

const deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

export const startFakeGithub = async (clientId: string): Promise<FakeGithub> => {
  const deviceCodes = new Map<string, { interval: number; scope: string }>()
  const tokens = new Set<string>()
  let origin = ""

  const oauthAnswer = (
    accept: string | undefined,
    res: Parameters<typeof sendJson>[0],
    body: Record<string, unknown>
  ) => {
    if (accept?.includes("application/json")) {
      sendJson(res, 200, body)
      return
    }
    res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" })
    res.end(new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString())
  }

  const page = <A>(items: ReadonlyArray<A>, url: URL): { body: Array<A>; link: string | undefined } => {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), github.pageSize)
    const pageNumber = Number(url.searchParams.get("page") ?? 1)
    const body = items.slice((pageNumber - 1) * perPage, pageNumber * perPage)
    if (pageNumber * perPage >= items.length) return { body, link: undefined }
    const next = new URL(url.pathname, origin)
    next.searchParams.set("per_page", String(perPage))
    next.searchParams.set("page", String(pageNumber + 1))
    return { body, link: `<${next.href}>; rel="next"` }
  }

  const server: FakeServer = await listen(async (req, res, url) => {
    github.requests.push({ method: req.method ?? "", path: url.pathname, headers: req.headers })
    const accept = req.headers.accept
    if (req.method === "POST" && url.pathname === "/login/device/code") {
      const form = new URLSearchParams(await readBody(req))
      if (form.get("client_id") !== clientId) {
        oauthAnswer(accept, res, { error: "incorrect_client_credentials", error_description: "bad client_id" })
        return
      }
      const deviceCode = randomBytes(16).toString("hex")
      deviceCodes.set(deviceCode, { interval: github.deviceInterval, scope: form.get("scope") ?? "" })
      oauthAnswer(accept, res, {
        device_code: deviceCode,
        user_code: "ABCD-1234",
        verification_uri: `${origin}/login/device`,
        expires_in: github.deviceExpiresIn,
        interval: github.deviceInterval
      })
      return
    }
    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      const form = new URLSearchParams(await readBody(req))
      const device = deviceCodes.get(form.get("device_code") ?? "")
      if (form.get("grant_type") !== deviceGrantType) {
        oauthAnswer(accept, res, { error: "unsupported_grant_type" })
        return
      }
      if (form.get("client_id") !== clientId || device === undefined) {
        oauthAnswer(accept, res, { error: "incorrect_device_code" })
        return
      }
      const step = github.deviceScript.shift() ?? "authorization_pending"
      switch (step) {
        case "approve": {
          const token = `gho_${randomBytes(16).toString("hex")}`
          tokens.add(token)
          oauthAnswer(accept, res, { access_token: token, token_type: "bearer", scope: device.scope })
          return
        }
        case "slow_down":
          // GitHub adds 5 s and tells the new interval.
          device.interval += 5
          oauthAnswer(accept, res, { error: "slow_down", interval: device.interval })
          return
        default:
          oauthAnswer(accept, res, { error: step })
          return
      }
    }
    if (req.method === "GET" && url.pathname.startsWith("/api/v3/")) {
      if (github.apiFailure !== undefined) {
        sendJson(res, github.apiFailure, { message: "Server Error" })
        return
      }
      const auth = req.headers.authorization ?? ""
      if (!auth.startsWith("Bearer ") || !tokens.has(auth.slice("Bearer ".length))) {
        sendJson(res, 401, { message: "Bad credentials" })
        return
      }
      if (req.headers["user-agent"] === undefined) {
        sendJson(res, 403, {
          message: "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"
        })
        return
      }
      const path = url.pathname.slice("/api/v3".length)
      if (path === "/user") {
        sendJson(res, 200, { ...github.user, type: "User", site_admin: false })
        return
      }
      if (path === "/user/orgs") {
        const { body, link } = page(
          github.orgs.map((login, i) => ({ login, id: 100 + i })),
          url
        )
        sendJson(res, 200, body, link === undefined ? {} : { link })
        return
      }
      if (path === "/user/teams") {
        const { body, link } = page(
          github.teams.map((t, i) => ({
            id: 200 + i,
            slug: t.slug,
            name: t.slug.toUpperCase(),
            organization: { login: t.org }
          })),
          url
        )
        sendJson(res, 200, body, link === undefined ? {} : { link })
        return
      }
    }
    sendJson(res, 404, { message: "Not Found" })
  })
  origin = server.origin

  const github: FakeGithub = {
    baseUrl: origin,
    apiBaseUrl: `${origin}/api/v3`,
    clientId,
    user: { id: 583231, login: "octocat", name: "The Octocat" },
    orgs: [],
    teams: [],
    pageSize: 100,
    deviceScript: [],
    deviceInterval: 5,
    deviceExpiresIn: 900,
    apiFailure: undefined,
    requests: [],
    close: () => server.close()
  }
  return github
}
