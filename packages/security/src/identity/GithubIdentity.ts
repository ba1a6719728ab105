import { Effect, Redacted, Schema } from "effect"
import { LoginFailed } from "../login/LoginFailed.js"
import { type GithubMemberships, type GithubRoleRule, githubMembershipNeeds, githubRoles } from "./GithubRoleRule.js"
import { type Identity, principalIdOf } from "./Identity.js"
import { type GithubHttp, nextPage, requestJson, trimSlash } from "./internal/githubHttp.js"
import { namespaceFor } from "./internal/identityParts.js"

/** Where the GitHub REST API is and how to call it. */
export interface GithubApiOptions {
  /** Default `https://api.github.com`; for GitHub Enterprise Server, `https://<host>/api/v3`. */
  readonly apiBaseUrl?: string
  readonly fetch?: typeof globalThis.fetch
  /** GitHub refuses requests without a `User-Agent`. Default `coderclaw`. */
  readonly userAgent?: string
}

/** Options of `resolveGithubIdentity`. */
export interface ResolveGithubIdentityOptions extends GithubApiOptions {
  /** A user access token (from the device flow), with `read:org` if rules name organisations or teams. */
  readonly accessToken: string | Redacted.Redacted<string>
  readonly rules: ReadonlyArray<GithubRoleRule>
}

export const defaultGithubApiBaseUrl = "https://api.github.com"
export const defaultGithubUserAgent = "coderclaw"

const GithubUser = Schema.Struct({
  id: Schema.Int.pipe(Schema.check(Schema.isGreaterThan(0))),
  login: Schema.NonEmptyString,
  name: Schema.optionalKey(Schema.NullOr(Schema.String))
})
const GithubTeams = Schema.Array(
  Schema.Struct({ slug: Schema.NonEmptyString, organization: Schema.Struct({ login: Schema.NonEmptyString }) })
)
const GithubOrgs = Schema.Array(Schema.Struct({ login: Schema.NonEmptyString }))

/** Enough for any real membership list at 100 per page, and a bound on a server that never stops paging. */
const maxPages = 20

const apiFailed = (detail: string) => new LoginFailed({ provider: "github", reason: "ApiFailed", detail })

/** One authenticated GET, decoded with `schema`; 401 means the token itself was refused. */
const getJson = <T>(
  http: GithubHttp,
  token: string,
  url: string,
  schema: Schema.Decoder<T>
): Effect.Effect<{ readonly value: T; readonly headers: Headers }, LoginFailed> =>
  Effect.gen(function* () {
    const path = new URL(url).pathname
    const response = yield* requestJson(
      http,
      url,
      {
        method: "GET",
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${token}`,
          "x-github-api-version": "2022-11-28"
        }
      },
      "ApiFailed"
    )
    if (response.status === 401) {
      return yield* Effect.fail(new LoginFailed({ provider: "github", reason: "TokenRejected", detail: `GET ${path}` }))
    }
    if (response.status < 200 || response.status >= 300) {
      return yield* Effect.fail(apiFailed(`GET ${path}: HTTP ${response.status}`))
    }
    const value = yield* Schema.decodeUnknownEffect(schema)(response.body).pipe(
      Effect.mapError(() => apiFailed(`GET ${path}: unexpected response`))
    )
    return { value, headers: response.headers }
  })

/** Every page of a paginated list, following `Link: rel="next"`. */
const getAllPages = <T>(
  http: GithubHttp,
  apiBaseUrl: string,
  token: string,
  path: string,
  schema: Schema.Decoder<T>
): Effect.Effect<Array<T>, LoginFailed> =>
  Effect.gen(function* () {
    const pages: Array<T> = []
    let url: string | undefined = `${apiBaseUrl}${path}?per_page=100`
    while (url !== undefined) {
      if (pages.length === maxPages) return yield* Effect.fail(apiFailed(`GET ${path}: more than ${maxPages} pages`))
      const page: { readonly value: T; readonly headers: Headers } = yield* getJson(http, token, url, schema)
      pages.push(page.value)
      url = nextPage(page.headers, apiBaseUrl)
    }
    return pages
  })

/** @internal Resolves the identity with already-resolved HTTP settings; shared with the device login. */
export const resolveWithHttp = (
  http: GithubHttp,
  apiBaseUrl: string,
  token: string,
  rules: ReadonlyArray<GithubRoleRule>
): Effect.Effect<Identity, LoginFailed> =>
  Effect.gen(function* () {
    const user = (yield* getJson(http, token, `${apiBaseUrl}/user`, GithubUser)).value
    const needs = githubMembershipNeeds(rules)
    const [orgPages, teamPages] = yield* Effect.all(
      [
        needs.orgs ? getAllPages(http, apiBaseUrl, token, "/user/orgs", GithubOrgs) : Effect.succeed([]),
        needs.teams ? getAllPages(http, apiBaseUrl, token, "/user/teams", GithubTeams) : Effect.succeed([])
      ],
      { concurrency: 2 }
    )
    const memberships: GithubMemberships = {
      orgs: orgPages.flat().map((org) => org.login),
      teams: teamPages.flat().map((team) => ({ org: team.organization.login, team: team.slug }))
    }
    // User ids are unique per GitHub instance only: a GitHub Enterprise Server's users get its namespace.
    const namespace = apiBaseUrl === defaultGithubApiBaseUrl ? undefined : namespaceFor(undefined, apiBaseUrl)
    const subject = String(user.id)
    const displayName = user.name === undefined || user.name === null || user.name === "" ? user.login : user.name
    return {
      provider: "github",
      subject,
      principalId: principalIdOf("github", subject, namespace),
      displayName,
      roles: githubRoles(rules, memberships),
      attributes: { login: user.login }
    }
  })

/**
 * The identity behind a GitHub user access token: `GET /user` for the numeric id (the subject, since
 * logins can be renamed and reused), login and name, then `/user/orgs` and/or `/user/teams` (only those
 * the rules need, all pages) to map memberships to roles. A server given a token by a client calls this
 * itself rather than trusting an identity the client computed. Fails with `token_rejected` on HTTP 401
 * and `api_failed` on any other failure.
 */
export const resolveGithubIdentity = (options: ResolveGithubIdentityOptions): Effect.Effect<Identity, LoginFailed> =>
  resolveWithHttp(
    { fetch: options.fetch ?? globalThis.fetch, userAgent: options.userAgent ?? defaultGithubUserAgent },
    trimSlash(options.apiBaseUrl ?? defaultGithubApiBaseUrl),
    typeof options.accessToken === "string" ? options.accessToken : Redacted.value(options.accessToken),
    options.rules
  )
