import { Effect } from "effect"
import { LoginFailed, type LoginFailureReason } from "../../login/LoginFailed.js"

/** The HTTP client for GitHub and the `User-Agent` GitHub insists on. */
export interface GithubHttp {
  readonly fetch: typeof globalThis.fetch
  readonly userAgent: string
}

/** A response whose body was read as JSON. */
export interface JsonResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

export const trimSlash = (url: string): string => url.replace(/\/+$/, "")

/**
 * Sends one request and reads its body as JSON. Network errors and non-JSON bodies become `LoginFailed`
 * with `reason`; the status is left to the caller, since GitHub's OAuth endpoints answer errors with 200.
 */
export const requestJson = (
  http: GithubHttp,
  url: string,
  init: { readonly method: "GET" | "POST"; readonly headers?: Record<string, string>; readonly form?: URLSearchParams },
  reason: LoginFailureReason
): Effect.Effect<JsonResponse, LoginFailed> =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await http.fetch(url, {
        method: init.method,
        headers: {
          accept: "application/json",
          "user-agent": http.userAgent,
          ...(init.form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
          ...init.headers
        },
        ...(init.form === undefined ? {} : { body: init.form.toString() }),
        redirect: "error",
        signal
      })
      const text = await response.text()
      let body: unknown
      try {
        body = text.length === 0 ? undefined : JSON.parse(text)
      } catch {
        throw new Error(`HTTP ${response.status} with a body that is not JSON`)
      }
      return { status: response.status, headers: response.headers, body }
    },
    catch: (error) =>
      new LoginFailed({
        provider: "github",
        reason,
        detail: `${new URL(url).pathname}: ${error instanceof Error ? error.message : String(error)}`
      })
  })

/**
 * The `rel="next"` link of a paginated GitHub response, if it stays on the API's origin: following a link
 * elsewhere would hand the user's token to another host.
 */
export const nextPage = (headers: Headers, apiBaseUrl: string): string | undefined => {
  const link = headers.get("link")
  if (link === null) return undefined
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)
    if (match?.[1] !== undefined && URL.canParse(match[1])) {
      const next = new URL(match[1])
      return next.origin === new URL(apiBaseUrl).origin ? next.href : undefined
    }
  }
  return undefined
}
