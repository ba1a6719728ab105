import { readFile } from "node:fs/promises"
import { makeDecoder } from "@coderclaw/protocol"
import { Effect, Result } from "effect"
import { parseDocument } from "yaml"
import { SecurityConfig } from "./SecurityConfig.js"
import { SecurityConfigError } from "./SecurityConfigError.js"

const decode = makeDecoder(SecurityConfig, "security configuration")

/**
 * Decodes a security configuration from plain data (e.g. already parsed JSON), strictly: unknown keys are
 * refused and every problem is named with its path.
 */
export const decodeSecurityConfig = (
  input: unknown,
  source = "security configuration"
): Effect.Effect<SecurityConfig, SecurityConfigError> => {
  const decoded = decode(input)
  if (Result.isSuccess(decoded)) return Effect.succeed(decoded.success)
  const issues = decoded.failure.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message
  )
  return Effect.fail(new SecurityConfigError({ reason: "InvalidConfig", source, issues }))
}

/** Parses `security.yaml` text (YAML 1.2, no custom tags) and decodes it. */
export const parseSecurityConfig = (
  text: string,
  source = "security.yaml"
): Effect.Effect<SecurityConfig, SecurityConfigError> =>
  Effect.suspend(() => {
    const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
    if (document.errors.length > 0) {
      return Effect.fail(
        new SecurityConfigError({
          reason: "InvalidYaml",
          source,
          issues: document.errors.map((error) => error.message.split("\n")[0] ?? error.message)
        })
      )
    }
    return decodeSecurityConfig(document.toJS({ maxAliasCount: 50 }), source)
  })

/** Reads and decodes a `security.yaml` file. */
export const loadSecurityConfig = (path: string): Effect.Effect<SecurityConfig, SecurityConfigError> =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (error) =>
      new SecurityConfigError({
        reason: "Unreadable",
        source: path,
        issues: [error instanceof Error ? error.message : String(error)]
      })
  }).pipe(Effect.flatMap((text) => parseSecurityConfig(text, path)))
