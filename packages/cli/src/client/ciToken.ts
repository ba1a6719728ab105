import { connectionError, usageError } from "../cli/CliError.js"
import type { CliIo } from "../cli/CliIo.js"

/** Where a CI job's token comes from. */
export interface CiTokenOptions {
  /** The environment variable holding the token (`--token-env`). */
  readonly tokenEnv?: string
  /** The audience asked of GitHub Actions' token service (`--audience`). */
  readonly audience: string
  /** How `fetch` is made; the global one by default. */
  readonly fetch?: typeof fetch
}

/** The environment variable read when neither `--token-env` nor GitHub Actions' token service is there. */
export const defaultCiTokenEnv = "CODERCLAW_CI_TOKEN"

interface GithubTokenResponse {
  readonly value?: unknown
}

/**
 * The OIDC token a CI job authenticates with: the variable named by `--token-env`; else, in a GitHub Actions
 * job with `permissions: id-token: write`, a fresh token for `audience` from the runner's token service
 * (`ACTIONS_ID_TOKEN_REQUEST_URL` with `ACTIONS_ID_TOKEN_REQUEST_TOKEN`); else `$CODERCLAW_CI_TOKEN`. No
 * token is a usage error (exit 2); a token service that refuses is a connection error (exit 3).
 */
export const ciToken = async (io: CliIo, options: CiTokenOptions): Promise<string> => {
  const { env } = io
  if (options.tokenEnv !== undefined) {
    const token = env[options.tokenEnv]
    if (token === undefined || token === "")
      throw usageError(`--token-env ${options.tokenEnv}: the variable is empty or not set`)
    return token
  }
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (requestUrl !== undefined && requestUrl !== "" && requestToken !== undefined && requestToken !== "")
    return githubActionsToken(requestUrl, requestToken, options)
  const token = env[defaultCiTokenEnv]
  if (token !== undefined && token !== "") return token
  throw usageError(
    "no CI token",
    "in GitHub Actions give the job `permissions: id-token: write`; elsewhere put the CI's OIDC token in " +
      `$${defaultCiTokenEnv} or name its variable with --token-env`
  )
}

const githubActionsToken = async (
  requestUrl: string,
  requestToken: string,
  options: CiTokenOptions
): Promise<string> => {
  const url = new URL(requestUrl)
  url.searchParams.set("audience", options.audience)
  let response: Response
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers: { authorization: `bearer ${requestToken}`, accept: "application/json" }
    })
  } catch (error) {
    throw connectionError(`cannot reach GitHub Actions' token service: ${(error as Error).message}`)
  }
  const body = (await response.json().catch(() => ({}))) as GithubTokenResponse
  if (!response.ok || typeof body.value !== "string" || body.value === "")
    throw connectionError(
      `GitHub Actions' token service refused a token (HTTP ${response.status})`,
      "give the job `permissions: id-token: write`"
    )
  return body.value
}
