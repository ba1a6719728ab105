import { existsSync } from "node:fs"
import { resolve } from "node:path"
import { loadSecurityConfig, type SecurityConfig } from "@coderclaw/security"
import { Effect } from "effect"
import { type CliError, usageError } from "../cli/CliError.js"
import { runtimeDefaults } from "./RuntimeConfig.js"

/**
 * The security configuration used when there is no `security.yaml`: local accounts (passwords of at least
 * 12 characters), sessions issued as `coderclaw-local`, the built-in roles, and the default policies
 * (dangerous skills wait for a person's approval).
 */
export const defaultSecurityConfig: SecurityConfig = {
  sessions: { issuer: "coderclaw-local", audience: "coderclaw" },
  providers: { local: {} }
}

/**
 * Loads `security.yaml` with `@coderclaw/security`'s strict loader: the file named by `--security`, which
 * must exist, or else `.coderclaw/security.yaml` when present, or else `defaultSecurityConfig`. A refused
 * file is a usage error listing each problem with its path.
 */
export const loadSecurityFile = (
  file: string | undefined,
  cwd: string
): Effect.Effect<{ readonly config: SecurityConfig; readonly source?: string }, CliError> =>
  Effect.gen(function* () {
    const path = resolve(cwd, file ?? runtimeDefaults.securityFile)
    if (!existsSync(path)) {
      if (file !== undefined) return yield* usageError(`--security: no such file: ${path}`)
      return { config: defaultSecurityConfig }
    }
    const config = yield* loadSecurityConfig(path).pipe(Effect.mapError((error) => usageError(error.message)))
    return { config, source: path }
  })
