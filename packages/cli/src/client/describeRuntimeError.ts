import { errorCodeOf, isRuntimeError, type RuntimeError } from "@coderclaw/protocol"
import { CliError, connectionError, failedError } from "../cli/CliError.js"

const loginHint = "run `coderclaw login --user <name>` again"
const serverHint = "is `coderclaw serve` running there? Pass --server or set CODERCLAW_SERVER"

/**
 * The `CliError` of a runtime error: refused credentials and an unreachable server are connection errors
 * (exit 3), an invalid request is a usage error (exit 2), everything else (access denied, not found, a
 * refused transition, overload) means the operation failed (exit 1). Branches on the error's tag, never on
 * its text.
 */
export const describeRuntimeError = (error: RuntimeError, url: string): CliError => {
  const code = errorCodeOf(error)
  switch (error._tag) {
    case "Unauthenticated":
      switch (error.reason) {
        case "expired":
          return connectionError("your session has expired", loginHint, code)
        case "revoked":
          return connectionError("the server revoked this session or device", loginHint, code)
        case "device_proof_failed":
          return connectionError("the server refused this device's proof of its key", undefined, code)
        case "missing_credentials":
          return connectionError("the server wants credentials", loginHint, code)
        case "throttled":
          return connectionError(
            `too many failed logins lately; try again in ${Math.ceil((error.retryAfterMs ?? 1_000) / 1_000)} s`,
            undefined,
            code
          )
        default:
          return connectionError(
            "the server refused the credentials (wrong user name or password, or an unknown session)",
            loginHint,
            code
          )
      }
    case "Unavailable":
      return connectionError(`cannot reach the server at ${url}: ${error.reason}`, serverHint, code)
    case "Timeout":
      return connectionError(
        `no answer from the server at ${url} (${error.operation} took over ${error.timeoutMs} ms)`,
        serverHint,
        code
      )
    case "UnsupportedProtocolVersion":
      return connectionError(`the server at ${url} speaks another protocol version: ${error.message}`, undefined, code)
    case "InvalidRequest": {
      // The server's own words, each with the field it is about (none when the whole value is wrong).
      const issues = error.issues.map((issue) =>
        issue.path.length === 0
          ? issue.message
          : `${issue.path.map((key) => (typeof key === "number" ? `[${key}]` : key)).join(".")}: ${issue.message}`
      )
      return new CliError({
        reason: "Usage",
        message: `the server refused the request: invalid ${error.what}: ${issues.join("; ")}`,
        code,
        details: { what: error.what, issues: error.issues }
      })
    }
    case "Forbidden":
      return failedError(
        `access denied (FORBIDDEN): ${error.action}${error.resource === undefined ? "" : ` on ${error.resource}`}${error.reasons.length === 0 ? "" : `; reasons: ${error.reasons.join(", ")}`}`,
        { code, details: { action: error.action, resource: error.resource, reasons: error.reasons } }
      )
    default:
      return failedError(`${error.message} (${code})`, { code })
  }
}

/** Any thrown value as a `CliError`: runtime errors described, other errors as failures (exit 1). */
export const toCliError = (error: unknown, url: string): CliError => {
  if (error instanceof CliError) return error
  if (isRuntimeError(error)) return describeRuntimeError(error, url)
  return failedError(error instanceof Error ? error.message : String(error))
}
