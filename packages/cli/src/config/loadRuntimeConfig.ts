import { readFile } from "node:fs/promises"
import { isAbsolute, join, resolve } from "node:path"
import type { TelemetryConfig } from "@coderclaw/gateway"
import { makeDecoder } from "@coderclaw/protocol"
import { Effect, Result } from "effect"
import { parseDocument } from "yaml"
import { CliError, usageError } from "../cli/CliError.js"
import {
  type InspectConfig,
  type LlmConfig,
  type PostgresConfig,
  RuntimeConfig,
  runtimeDefaults
} from "./RuntimeConfig.js"
import { defaultStateDirectory, type StateEnv } from "./stateDirectory.js"

/** `runtime.yaml` with its defaults applied and its paths made absolute. */
export interface ResolvedRuntimeConfig {
  readonly host: string
  readonly port: number
  /** The server's state directory (mode 0700), outside the repository unless configured otherwise. */
  readonly dataDir: string
  readonly database: string
  readonly repository: string
  /** A PostgreSQL journal (`postgres://…`, no password) used instead of the SQLite `database`. */
  readonly journal?: string
  readonly postgres?: PostgresConfig
  readonly maxConcurrentTasks?: number
  readonly allowedOrigins?: ReadonlyArray<string>
  readonly path?: string
  readonly llm?: LlmConfig
  readonly inspect?: InspectConfig
  /** Dangerous skills the operator lets run without a sandbox when none is available. */
  readonly unsandboxed?: ReadonlyArray<string>
  /** The agent modules to import at start, absolute. */
  readonly agents?: ReadonlyArray<string>
  /** Metrics listener and trace export (`telemetry` of `runtime.yaml`). */
  readonly telemetry?: TelemetryConfig
}

const decode = makeDecoder(RuntimeConfig, "runtime configuration")

/**
 * Applies the defaults of `runtime.yaml` and resolves its paths against `cwd`; the state directory's
 * default comes from `env` (`XDG_STATE_HOME`, see `defaultStateDirectory`). A relative `inspect.file`
 * lives in the state directory.
 */
export const resolveRuntimeConfig = (
  config: RuntimeConfig,
  cwd: string,
  env: StateEnv = process.env
): ResolvedRuntimeConfig => {
  const path = (value: string) => (isAbsolute(value) ? value : resolve(cwd, value))
  // Keys without a path in them are taken as written.
  const {
    host,
    port,
    dataDir: _dataDir,
    database,
    repository: _repository,
    postgres,
    inspect,
    agents,
    ...asWritten
  } = config
  const repository = path(config.repository ?? ".")
  const dataDir = config.dataDir === undefined ? defaultStateDirectory(repository, env) : path(config.dataDir)
  return {
    ...asWritten,
    host: host ?? runtimeDefaults.host,
    port: port ?? runtimeDefaults.port,
    dataDir,
    database: database === undefined ? join(dataDir, runtimeDefaults.databaseFile) : path(database),
    repository,
    ...(postgres === undefined ? {} : { postgres: resolvePostgres(postgres, path) }),
    ...(inspect === undefined ? {} : { inspect: { file: resolve(dataDir, inspect.file) } }),
    ...(agents === undefined ? {} : { agents: agents.map(path) })
  }
}

const resolvePostgres = (
  postgres: NonNullable<RuntimeConfig["postgres"]>,
  path: (value: string) => string
): NonNullable<RuntimeConfig["postgres"]> => ({
  ...postgres,
  ...(postgres.passwordFile === undefined ? {} : { passwordFile: path(postgres.passwordFile) })
})

/**
 * Decodes `runtime.yaml` text strictly: a YAML error, an unknown key or a wrong value fails with a usage
 * error naming each field (`port: Expected a value less than or equal to 65535`).
 */
export const parseRuntimeConfig = (text: string, source: string): Effect.Effect<RuntimeConfig, CliError> =>
  Effect.suspend(() => {
    const document = parseDocument(text, { uniqueKeys: true })
    if (document.errors.length > 0) {
      const issues = document.errors.map((error) => error.message.split("\n")[0] ?? error.message)
      return Effect.fail(
        usageError(`${source} is not valid YAML:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`)
      )
    }
    const decoded = decode(document.toJS({ maxAliasCount: 50 }) ?? {})
    if (Result.isSuccess(decoded)) return Effect.succeed(decoded.success)
    const issues = decoded.failure.issues.map(
      (issue) => `  - ${issue.path.length === 0 ? "(file)" : issue.path.join(".")}: ${issue.message}`
    )
    return Effect.fail(usageError(`${source} refused:\n${issues.join("\n")}`))
  })

/** A loaded `runtime.yaml`: as written, resolved, and where it came from (absent: the defaults). */
export interface LoadedRuntimeConfig {
  readonly config: RuntimeConfig
  readonly resolved: ResolvedRuntimeConfig
  readonly source?: string
}

/**
 * Loads `runtime.yaml`: the file named by `--config`, which must exist, or else `.coderclaw/runtime.yaml`
 * when present, or else the defaults.
 */
export const loadRuntimeConfig = (
  file: string | undefined,
  cwd: string,
  overrides: { readonly dataDir?: string | undefined; readonly env?: StateEnv } = {}
): Effect.Effect<LoadedRuntimeConfig, CliError> =>
  Effect.gen(function* () {
    const path = resolve(cwd, file ?? runtimeDefaults.configFile)
    const text = yield* readOptional(path, file !== undefined, "--config")
    const written = text === undefined ? {} : yield* parseRuntimeConfig(text, path)
    // `--data-dir` wins over the file's `dataDir`.
    const config: RuntimeConfig = overrides.dataDir === undefined ? written : { ...written, dataDir: overrides.dataDir }
    const resolved = resolveRuntimeConfig(config, cwd, overrides.env ?? process.env)
    return { config, resolved, ...(text === undefined ? {} : { source: path }) }
  })

/**
 * Reads a configuration file. A missing file named on the command line is a usage error; a missing default
 * file is `undefined` (the defaults apply).
 */
export const readOptional = (
  path: string,
  required: boolean,
  option: string
): Effect.Effect<string | undefined, CliError> =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (error) => error as NodeJS.ErrnoException
  }).pipe(
    Effect.catch((error) =>
      error.code === "ENOENT" && !required
        ? Effect.succeed(undefined)
        : Effect.fail(
            error.code === "ENOENT"
              ? usageError(`${option}: no such file: ${path}`)
              : new CliError({ reason: "Failed", message: `cannot read ${path}: ${error.message}` })
          )
    )
  )
