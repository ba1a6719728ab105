import { TelemetryConfig } from "@coderclaw/gateway"
import { Schema } from "effect"

const NonEmpty = Schema.String.pipe(Schema.check(Schema.isMinLength(1)))

const EnvName = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[A-Za-z_][A-Za-z0-9_]*$/, { expected: "an environment variable name" }))
)

const HttpUrl = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { expected: "an http:// or https:// URL" }))
)

/**
 * An OpenAI-compatible chat endpoint for the built-in LLM agent, which is off without this section.
 * The API key is never written in the file: `apiKeyEnv` names the environment variable that holds it.
 */
export const LlmConfig = Schema.Struct({
  /** e.g. `http://127.0.0.1:11434/v1` or `https://api.openai.com/v1`. */
  baseUrl: HttpUrl,
  model: NonEmpty,
  /** The environment variable holding the API key; leave it out for endpoints that need none. */
  apiKeyEnv: Schema.optionalKey(EnvName)
})
export type LlmConfig = typeof LlmConfig.Type

/**
 * Inspection of the task statecharts: every inspection event of every task actor (actor created, event
 * received, snapshot) is appended to `file` as one JSON line, for offline replay or a custom inspector.
 */
export const InspectConfig = Schema.Struct({
  file: NonEmpty
})
export type InspectConfig = typeof InspectConfig.Type

const PostgresUrl = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^postgres(?:ql)?:\/\/(?:[^\s:@/]+@)?[^\s:@/]+(?::\d+)?\/[^\s/?#]+$/, {
      expected:
        "postgres://user@host:port/database, without a password (give it in postgres.passwordFile, " +
        "postgres.passwordEnv or PGPASSWORD)"
    })
  )
)

/**
 * How the server reaches PostgreSQL when `journal` is a `postgres://` URL. The password is never written
 * in the file: it is read from `passwordFile`, else from the environment variable `passwordEnv` (default
 * `PGPASSWORD`); it never appears in output, logs or the audit log.
 */
export const PostgresConfig = Schema.Struct({
  /** The schema holding the journal and security tables (created when missing). Default `coderclaw`. */
  schema: Schema.optionalKey(
    Schema.String.pipe(
      Schema.check(Schema.isPattern(/^[a-z_][a-z0-9_]{0,62}$/, { expected: "a lower-case PostgreSQL name" }))
    )
  ),
  /** The environment variable holding the password. Default `PGPASSWORD`. */
  passwordEnv: Schema.optionalKey(EnvName),
  /** A file holding the password (its first line), e.g. a mounted secret. */
  passwordFile: Schema.optionalKey(NonEmpty)
})
export type PostgresConfig = typeof PostgresConfig.Type

const Origin = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^https?:\/\/[^\s/]+$/, {
      expected: "an origin: scheme and host (and port), no path, e.g. https://app.example.com"
    })
  )
)

const UpgradePath = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^\/[^\s?#]*$/, { expected: "a path starting with /, e.g. /coderclaw" }))
)

/**
 * `runtime.yaml`: how `coderclaw serve` runs. Every key is optional; unknown keys are refused, so a misspelt
 * setting is an error rather than a silently ignored one. Relative paths are resolved against the directory
 * `coderclaw` runs in.
 */
export const RuntimeConfig = Schema.Struct({
  /** The interface to listen on. Default `127.0.0.1` (this machine only). */
  host: Schema.optionalKey(NonEmpty),
  /** The port to listen on; `0` picks a free one. Default 8787. */
  port: Schema.optionalKey(
    Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0), Schema.isLessThanOrEqualTo(65_535)))
  ),
  /**
   * Browser origins allowed to connect (a WebSocket upgrade with another `Origin` header gets HTTP 403);
   * clients that send no `Origin` (the CLI, Node apps) are not affected. Default: any origin. Set it when
   * browsers can reach the server, so a web page elsewhere cannot drive it with a visitor's credentials.
   */
  allowedOrigins: Schema.optionalKey(Schema.Array(Origin)),
  /** Only WebSocket upgrades to this path are served, e.g. behind a reverse proxy. Default: every path. */
  path: Schema.optionalKey(UpgradePath),
  /**
   * The directory of the server's state: the database and, for a relative `inspect.file`, the inspection
   * log. Default `$XDG_STATE_HOME/coderclaw/<repository name>-<hash>` (`~/.local/state/…`), outside the
   * repository; created (or tightened) to mode 0700. `serve --data-dir` overrides it.
   */
  dataDir: Schema.optionalKey(NonEmpty),
  /** The SQLite file holding tasks, accounts, sessions, devices and the audit log. Default `<dataDir>/coderclaw.db`. */
  database: Schema.optionalKey(NonEmpty),
  /**
   * Where tasks and security state live when not in the SQLite `database`: a PostgreSQL server, as
   * `postgres://user@host:port/database` (no password in it; see `postgres`). Several servers of a cluster
   * share it; each journal schema has one owner at a time.
   */
  journal: Schema.optionalKey(PostgresUrl),
  postgres: Schema.optionalKey(PostgresConfig),
  /** The repository the built-in agents work on. Default: the working directory. */
  repository: Schema.optionalKey(NonEmpty),
  /** Most tasks planning or running at once. Default 16. */
  maxConcurrentTasks: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))),
  llm: Schema.optionalKey(LlmConfig),
  inspect: Schema.optionalKey(InspectConfig),
  /**
   * Dangerous skills allowed to run WITHOUT a sandbox when none is available (bubblewrap missing or unable
   * to create one): by default they are refused. Only `shell.run` is dangerous among the built-ins. An
   * opted-out skill runs as the server's own user, with access to everything that user can reach;
   * `serve` warns at start-up while this applies.
   */
  unsandboxed: Schema.optionalKey(Schema.Array(Schema.Literals(["shell.run"]))),
  /**
   * Your own agent and skill modules (JavaScript files, e.g. `./agents.js`), imported in-process at start:
   * every export made with `defineAgent`, `defineAsyncAgent` or `defineSkill` is registered beside the
   * built-ins. An id a built-in or another module already uses is refused, as is a module with nothing usable.
   */
  agents: Schema.optionalKey(Schema.Array(NonEmpty)),
  /**
   * Metrics and traces (docs/observability.md): `metrics` serves Prometheus `/metrics` on a listener of its
   * own (`host`, `port`); `traces` exports spans with OTLP/HTTP (`endpoint`, `serviceName`, `headersFromEnv`).
   * Both off by default; `/healthz` and `/readyz` are always served on the main port.
   */
  telemetry: Schema.optionalKey(TelemetryConfig)
})
export type RuntimeConfig = typeof RuntimeConfig.Type

/** The defaults of `runtime.yaml`. */
export const runtimeDefaults = {
  host: "127.0.0.1",
  port: 8787,
  /** The database's file name inside the state directory. */
  databaseFile: "coderclaw.db",
  configFile: ".coderclaw/runtime.yaml",
  securityFile: ".coderclaw/security.yaml"
} as const
