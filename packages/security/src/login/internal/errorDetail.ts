import { ClientError, ResponseBodyError } from "openid-client"

const maxDetail = 200

const clip = (text: string): string => (text.length > maxDetail ? `${text.slice(0, maxDetail)}…` : text)

/**
 * A short description of a failure for `LoginFailed.detail`. Only the OAuth error code, the server's error
 * description and library messages are used: none of them echo the request, so no code, verifier or token
 * can leak into it.
 */
export const errorDetail = (error: unknown): string => {
  if (error instanceof ResponseBodyError) {
    const description = error.error_description === undefined ? "" : ` (${error.error_description})`
    return clip(`${error.error}${description}`)
  }
  if (error instanceof ClientError) {
    return clip(error.code === undefined ? error.message : `${error.message} [${error.code}]`)
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ""
    return clip(`${error.message}${cause}`)
  }
  return clip(String(error))
}

/** The OAuth `error` code of a token-endpoint refusal, if that is what `error` is. */
export const oauthErrorCode = (error: unknown): string | undefined =>
  error instanceof ResponseBodyError ? error.error : undefined
