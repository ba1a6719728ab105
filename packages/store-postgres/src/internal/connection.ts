import { readFileSync } from "node:fs"
import { hostname } from "node:os"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted, type Scope } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import type { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** Where the store finds its PostgreSQL server; shared by the journal and the security stores. */
export interface PostgresConnectionOptions {
  /**
   * `postgres://user@host:port/database` (or `postgresql://`). A password may be written in it, but keeping
   * it out (in `passwordFile`, `passwordEnv` or `PGPASSWORD`) keeps it out of configuration files.
   */
  readonly url?: string | undefined
  /** Overrides the URL's parts; defaults: `127.0.0.1`, `5432`, database `postgres`, user `postgres`. */
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly database?: string | undefined
  readonly user?: string | undefined
  /** The password itself (wrap it with `Redacted.make` so it never prints). */
  readonly password?: Redacted.Redacted<string> | undefined
  /** A file holding the password (its first line); read when the store opens. */
  readonly passwordFile?: string | undefined
  /** The environment variable holding the password; `PGPASSWORD` is read when nothing else names one. */
  readonly passwordEnv?: string | undefined
  /** Schema holding the store's tables (created when missing). Default `coderclaw`. */
  readonly schema?: string | undefined
  /** The most connections the store's pool opens. Default 8. */
  readonly maxConnections?: number | undefined
  /** How long connecting may take before the attempt fails as unreachable. Default 5000 ms. */
  readonly connectTimeoutMs?: number | undefined
}

/** A connection target without its password: what may appear in logs and errors. */
export interface ResolvedConnection {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: Redacted.Redacted<string> | undefined
  readonly schema: string
  /** `postgres://user@host:port/database`, never with the password. */
  readonly display: string
}

/** Why a connection option was refused (the caller turns it into its own error type). */
export class BadConnectionOption {
  constructor(readonly detail: string) {}
}

const passwordFrom = (options: PostgresConnectionOptions, fromUrl: string): Redacted.Redacted<string> | undefined => {
  if (options.password !== undefined) return options.password
  if (options.passwordFile !== undefined) {
    const text = readFileSync(options.passwordFile, "utf8").split(/\r?\n/)[0] ?? ""
    return Redacted.make(text)
  }
  const fromEnv = process.env[options.passwordEnv ?? "PGPASSWORD"]
  if (fromEnv !== undefined && fromEnv !== "") return Redacted.make(fromEnv)
  if (options.passwordEnv !== undefined) return undefined
  return fromUrl === "" ? undefined : Redacted.make(fromUrl)
}

const parseUrl = (text: string | undefined): URL | undefined | BadConnectionOption => {
  if (text === undefined) return undefined
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return new BadConnectionOption("url is not a URL (expected postgres://user@host:port/database)")
  }
  return url.protocol === "postgres:" || url.protocol === "postgresql:"
    ? url
    : new BadConnectionOption(`url must start with postgres:// or postgresql://, not ${url.protocol}//`)
}

/** The URL's parts, each `undefined` when absent. */
const partsOf = (url: URL | undefined) => ({
  host: url?.hostname ? url.hostname.replace(/^\[|\]$/g, "") : undefined,
  port: url?.port ? Number(url.port) : undefined,
  database: url && url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
  user: url?.username ? decodeURIComponent(url.username) : undefined,
  password: url?.password ? decodeURIComponent(url.password) : ""
})

const readPassword = (options: PostgresConnectionOptions, fromUrl: string) => {
  try {
    return passwordFrom(options, fromUrl)
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable"
    return new BadConnectionOption(`passwordFile ${options.passwordFile} cannot be read (${code})`)
  }
}

/** Reads the options (URL, parts, password source) into one target, or says what is wrong. */
export const resolveConnection = (options: PostgresConnectionOptions): ResolvedConnection | BadConnectionOption => {
  const url = parseUrl(options.url)
  if (url instanceof BadConnectionOption) return url
  const schema = options.schema ?? "coderclaw"
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    return new BadConnectionOption(
      `schema must be a lower-case PostgreSQL name (a-z, 0-9, _), got ${JSON.stringify(schema)}`
    )
  }
  const parts = partsOf(url)
  const port = options.port ?? parts.port ?? 5432
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    return new BadConnectionOption(`port ${port} is not a TCP port`)
  const password = readPassword(options, parts.password)
  if (password instanceof BadConnectionOption) return password
  const host = options.host ?? parts.host ?? "127.0.0.1"
  const database = options.database ?? parts.database ?? "postgres"
  const user = options.user ?? parts.user ?? "postgres"
  return { host, port, database, user, password, schema, display: `postgres://${user}@${host}:${port}/${database}` }
}

/**
 * A pooled `@effect/sql-pg` client for a resolved target, with the store's schema first on the search
 * path and an application name that names this process (what a refused second opener is told).
 */
export const openClient = (
  target: ResolvedConnection,
  options: { readonly maxConnections?: number | undefined; readonly connectTimeoutMs?: number | undefined }
): Effect.Effect<PgClient.PgClient & SqlClient, SqlError, Scope.Scope> =>
  PgClient.make({
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    applicationName: `coderclaw pid ${process.pid} on ${hostname()}`.slice(0, 63),
    startupParameters: { search_path: `"${target.schema}"` },
    maxConnections: options.maxConnections ?? 8,
    minConnections: 0,
    connectTimeout: `${options.connectTimeoutMs ?? 5_000} millis`,
    acquireTimeout: `${Math.max(options.connectTimeoutMs ?? 5_000, 1_000) * 2} millis`
  }).pipe(Effect.provide(Reactivity.layer))
