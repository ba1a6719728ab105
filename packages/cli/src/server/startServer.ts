import { closeSync, existsSync, mkdirSync, openSync } from "node:fs"
import { createServer, type Server as HttpServer } from "node:http"
import { dirname } from "node:path"
import type { Duplex } from "node:stream"
import { repositoryNameOf } from "@coderclaw/agents"
import {
  a2aGateway,
  type HttpRoute,
  type HttpRouter,
  httpRouter,
  listenMetrics,
  makeObservability,
  tracingLayer
} from "@coderclaw/gateway"
import { workflowAgent } from "@coderclaw/orchestrator"
import {
  type AgentDefinition,
  Authenticator,
  Authorizer,
  type Journal,
  type JournalError,
  loadAgentModules,
  Runtime,
  type RuntimeOptions,
  type SkillDefinition
} from "@coderclaw/runtime"
import { Security, type SecurityConfig, type SecurityShape, signAuditHead } from "@coderclaw/security"
import { PostgresJournal, type PostgresJournalRefused } from "@coderclaw/store-postgres"
import { PostgresSecurityStore, type PostgresSecurityStoreError } from "@coderclaw/store-postgres/security"
import { SqliteJournal, type SqliteJournalRefused } from "@coderclaw/store-sqlite"
import {
  type SqliteSecurityServices as SecurityStoreServices,
  SqliteSecurityStore,
  type SqliteSecurityStoreError
} from "@coderclaw/store-sqlite/security"
import { startWsServer, type WsLimits, WsServerError } from "@coderclaw/transport-ws"
import { Effect, Layer, ManagedRuntime } from "effect"
import { type ResolvedRuntimeConfig, resolveRuntimeConfig } from "../config/loadRuntimeConfig.js"
import { defaultSecurityConfig } from "../config/loadSecurityFile.js"
import type { RuntimeConfig } from "../config/RuntimeConfig.js"
import { StateDirectoryError } from "../config/StateDirectoryError.js"
import { ensurePrivateDirectory, legacyDatabaseOf } from "../config/stateDirectory.js"
import { builtins } from "./builtins.js"
import { type InspectionFile, inspectToFile } from "./inspectToFile.js"
import { postgresOptions } from "./postgresOptions.js"
import { sandboxWarning } from "./sandboxWarning.js"

/** How to assemble a coderClaw server. Every field is optional. */
export interface StartServerOptions {
  /**
   * The settings of `runtime.yaml` (decoded), defaults applied: `127.0.0.1:8787`, the working directory as
   * repository, the database `coderclaw.db` in the state directory (`dataDir`, default
   * `$XDG_STATE_HOME/coderclaw/<repository id>`, mode 0700). Relative paths resolve against `cwd`.
   */
  readonly config?: RuntimeConfig
  /** Where relative paths of `config` resolve. Default `process.cwd()`. */
  readonly cwd?: string
  /** The security configuration (`loadSecurityConfig`); default: local accounts, issuer `coderclaw-local`. */
  readonly security?: SecurityConfig
  /** More agents, next to the built-in ones (an agent with a built-in's id replaces it). */
  readonly agents?: ReadonlyArray<AgentDefinition>
  /** More skills, next to the built-in ones (a skill with a built-in's id replaces it). */
  readonly skills?: ReadonlyArray<SkillDefinition>
  /** Register the built-in agents and skills of `@coderclaw/agents`. Default true. */
  readonly builtins?: boolean
  /** Receives the inspection events of every task actor, e.g. `@statelyai/inspect`'s `inspector.inspect`. */
  readonly inspect?: RuntimeOptions["inspect"]
  /** WebSocket server limits (see `@coderclaw/transport-ws`). */
  readonly limits?: Partial<WsLimits>
  /** Where the LLM settings are read (`apiKeyEnv`, or `CODERCLAW_LLM_*` without an `llm` section). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** How often the audit log's head is signed into the log (ms). Default 5 minutes; also on close. */
  readonly auditHeadIntervalMs?: number
  /**
   * More HTTP route groups on the server's port, tried before the built-in ones (A2A); see `HttpRoute` of
   * `@coderclaw/gateway`. Groups can also be added to a running server with `server.http.use(route)`.
   */
  readonly httpRoutes?: ReadonlyArray<HttpRoute>
}

/** A running server. */
export interface CoderclawServer {
  /** The URL clients connect to, e.g. `ws://127.0.0.1:8787`. */
  readonly url: string
  readonly port: number
  /** The settings it runs with, paths absolute. */
  readonly config: ResolvedRuntimeConfig
  /** The security service guarding it: accounts, devices, sessions, policies, audit log. */
  readonly security: SecurityShape
  /** The ids of the agents tasks may be submitted to. */
  readonly agentIds: ReadonlyArray<string>
  /** The base URL of the HTTP routes (A2A at `/a2a/jsonrpc` and `/a2a/rest`), e.g. `http://127.0.0.1:8787`. */
  readonly httpUrl: string
  /** The HTTP routes served beside the WebSocket upgrades on the same port: add a route group with `use`. */
  readonly http: Pick<HttpRouter, "use">
  /** Where Prometheus scrapes `/metrics`, when `telemetry.metrics` is configured. */
  readonly metricsUrl?: string
  /** Stops accepting connections, closes the open ones, then shuts the runtime down and closes the database. */
  close(): Promise<void>
}

const securityService = Effect.gen(function* () {
  return yield* Security
})

/** Keeps the first of each id, so definitions listed first win. */
const byId = <A>(items: ReadonlyArray<A>, idOf: (item: A) => string): ReadonlyArray<A> => {
  const seen = new Set<string>()
  return items.filter((item) => {
    const id = idOf(item)
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

// The file holds password hashes and session-signing keys: create it readable by its owner only, before
// either store opens it (SQLite gives the `-wal` and `-shm` files the same mode).
const createPrivately = (filename: string): void => {
  mkdirSync(dirname(filename), { recursive: true })
  closeSync(openSync(filename, "a", 0o600))
}

/**
 * Earlier versions kept the database inside the repository by default. Starting on an empty state directory
 * would hide those accounts and tasks, and moving a file a running server may hold is unsafe: say how.
 */
const refuseLegacyDatabase = (config: ResolvedRuntimeConfig): void => {
  const legacy = legacyDatabaseOf(config.repository)
  if (existsSync(config.database) || !existsSync(legacy)) return
  throw new StateDirectoryError({
    reason: "LegacyDatabase",
    dataDir: config.dataDir,
    message:
      `found a database inside the repository (${legacy}); the server's state now lives outside it, in ${config.dataDir}. ` +
      `Stop any server using it, then move it: mkdir -p '${config.dataDir}' && mv '${legacy}'* '${config.dataDir}/' ` +
      "(or keep it where it is with `database:` in runtime.yaml)"
  })
}

/**
 * Listens on the configured port before anything else is opened, so a start that cannot have its port
 * (another server runs there) fails having touched nothing: no journal opened, no task recovered.
 * Until the WebSocket server is attached, upgrades are answered 503 (retry); plain HTTP requests go to the
 * route groups of `router` (a JSON 404 for any path none of them serves).
 */
const bindPort = (port: number, host: string, router: HttpRouter): Promise<HttpServer> =>
  new Promise((resolve, reject) => {
    const http = createServer(router.listener)
    http.on("upgrade", (_request, socket: Duplex) => {
      // Once the WebSocket server listens too, it answers; this one only covers the start.
      if (http.listenerCount("upgrade") > 1) return
      socket.end("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    })
    http.once("error", (error) => reject(new WsServerError({ reason: error.message })))
    http.listen(port, host, () => resolve(http))
  })

const closeHttp = (http: HttpServer): Promise<void> =>
  new Promise((resolve) => {
    http.close(() => resolve())
    http.closeAllConnections()
  })

// The database holds password hashes and session-signing keys, the inspection log every task's inputs:
// when they live inside the repository the agents work on (the default `.coderclaw/` does), the repository
// tools must not read, list or search them, whatever the policies allow.
const serverFiles = (config: ResolvedRuntimeConfig): ReadonlyArray<string> => [
  ...["", "-wal", "-shm", "-journal", ".lock", ".owner", ".mark"].map((suffix) => `${config.database}${suffix}`),
  ...(config.inspect === undefined ? [] : [config.inspect.file])
]

/**
 * The agent modules of `runtime.yaml` (`agents`), imported in-process; an id already used by a built-in (or
 * an agent given in `options`) or by another module is refused, so nothing shadows anything.
 */
const loadModules = async (
  config: ResolvedRuntimeConfig,
  agents: ReadonlyArray<AgentDefinition>,
  skills: ReadonlyArray<SkillDefinition>
): Promise<{ readonly agents: ReadonlyArray<AgentDefinition>; readonly skills: ReadonlyArray<SkillDefinition> }> => {
  if (config.agents === undefined || config.agents.length === 0) return { agents: [], skills: [] }
  const loaded = await Effect.runPromise(
    Effect.result(
      loadAgentModules(config.agents, {
        cwd: config.repository,
        takenAgents: agents.map((agent) => agent.descriptor.id),
        takenSkills: skills.map((skill) => skill.descriptor.id)
      })
    )
  )
  if (loaded._tag === "Failure") throw loaded.failure
  return loaded.success
}

/**
 * Starts a coderClaw server: the runtime on a durable SQLite journal, the security service on the same
 * database file (accounts, sessions, signing keys, devices, audit log) — or both on PostgreSQL when
 * `journal` is a `postgres://` URL — its authenticator and authorizer as
 * the runtime's ports, the built-in agents and skills plus the workflow agent, behind an authenticated
 * WebSocket server. The port is bound first and the journal opened next (taking its single-writer lock)
 * before anything is recovered, so a start that fails touches nothing of a server already running on the
 * same port or database. Rejects with the typed error of what could not start (`AgentModuleError` for an
 * agent module of `runtime.yaml`, `StateDirectoryError`,
 * `WsServerError` for the port, `SqliteJournalRefused` for a journal owned by another server or missing
 * acknowledged events, `JournalError`, `SqliteSecurityStoreError`, `SecurityConfigError`; on PostgreSQL
 * `PostgresJournalRefused` and `PostgresSecurityStoreError`).
 */
export const startServer = async (options: StartServerOptions = {}): Promise<CoderclawServer> => {
  const config = resolveRuntimeConfig(options.config ?? {}, options.cwd ?? process.cwd(), options.env ?? process.env)
  if (options.config?.database === undefined && config.journal === undefined) refuseLegacyDatabase(config)
  const router = httpRouter(options.httpRoutes)
  const http = await bindPort(config.port, config.host, router)
  try {
    return await startOn(http, router, config, options)
  } catch (error) {
    await closeHttp(http)
    throw error
  }
}

const startOn = async (
  http: HttpServer,
  router: HttpRouter,
  config: ResolvedRuntimeConfig,
  options: StartServerOptions
): Promise<CoderclawServer> => {
  const securityConfig = options.security ?? defaultSecurityConfig
  const builtin =
    options.builtins === false
      ? { agents: [], skills: [] }
      : builtins({
          repository: config.repository,
          hidden: serverFiles(config),
          env: options.env ?? process.env,
          ...(config.llm === undefined ? {} : { llm: config.llm }),
          ...(config.unsandboxed === undefined ? {} : { unsandboxed: config.unsandboxed })
        })
  const own = byId([...(options.agents ?? []), ...builtin.agents, workflowAgent()], (agent) => agent.descriptor.id)
  const ownSkills = byId([...(options.skills ?? []), ...builtin.skills], (skill) => skill.descriptor.id)
  const modules = await loadModules(config, own, ownSkills)
  const agents = [...own, ...modules.agents]
  const skills = [...ownSkills, ...modules.skills]

  // Shown in every status while it applies: commands are refused, or run unconfined.
  const warning = options.builtins === false ? undefined : await sandboxWarning(config.unsandboxed)

  let inspection: InspectionFile | undefined
  if (config.inspect !== undefined) inspection = inspectToFile(config.inspect.file)
  const inspectors = [options.inspect, inspection?.inspect].filter((inspect) => inspect !== undefined)
  const inspect: RuntimeOptions["inspect"] =
    inspectors.length === 0
      ? undefined
      : (event) => {
          for (const inspector of inspectors) inspector(event)
        }

  ensurePrivateDirectory(config.dataDir)
  // With a PostgreSQL journal, the security stores live beside it: one database holds the server's state.
  const postgres = postgresOptions(config, options.env ?? process.env)
  if (postgres === undefined) createPrivately(config.database)
  const stores: {
    readonly journal: Layer.Layer<Journal, JournalError | SqliteJournalRefused | PostgresJournalRefused>
    readonly security: Layer.Layer<SecurityStoreServices, SqliteSecurityStoreError | PostgresSecurityStoreError>
  } =
    postgres === undefined
      ? {
          journal: SqliteJournal.layer({ filename: config.database }),
          security: SqliteSecurityStore.layer({ filename: config.database })
        }
      : { journal: PostgresJournal.layer(postgres), security: PostgresSecurityStore.layer(postgres) }
  // The repository's own `.coderclaw/policy.yaml` narrows the policies for the work that runs in it.
  const repositories = [{ name: repositoryNameOf({ root: config.repository }), root: config.repository }]
  const security = Security.layer(securityConfig, { repositories }).pipe(Layer.provide(stores.security))
  const ports = Security.layerPorts({ Authorizer, Authenticator }).pipe(Layer.provideMerge(security))
  const runtimeLayer = Runtime.layer({
    agents,
    skills,
    mode: "remote-enabled",
    ...(config.maxConcurrentTasks === undefined ? {} : { maxConcurrentTasks: config.maxConcurrentTasks }),
    ...(inspect === undefined ? {} : { inspect }),
    ...(warning === undefined ? {} : { healthChecks: [{ name: "sandbox", state: "degraded", detail: warning }] })
  }).pipe(
    Layer.provideMerge(Layer.merge(stores.journal, ports)),
    // Spans of the runtime and the WebSocket server, exported with OTLP/HTTP when `telemetry.traces` is set.
    Layer.provideMerge(tracingLayer(config.telemetry?.traces, options.env ?? process.env))
  )
  const runtime = ManagedRuntime.make(runtimeLayer)

  let metricsListener: Awaited<ReturnType<typeof listenMetrics>> | undefined
  const closeAll = async () => {
    await metricsListener?.close()
    await runtime.dispose()
    await inspection?.close()
  }
  try {
    const service = await runtime.runPromise(securityService)
    const observability = await runtime.runPromise(makeObservability())
    // `/healthz` and `/readyz` on the main port, unauthenticated (they say nothing about tasks).
    router.use(observability.probes)
    const metricsConfig = config.telemetry?.metrics
    if (metricsConfig !== undefined)
      metricsListener = await listenMetrics(observability.metrics, metricsConfig.port, metricsConfig.host)
    const server = await startWsServer({
      runtime,
      server: http,
      host: config.host,
      ...(config.allowedOrigins === undefined ? {} : { allowedOrigins: config.allowedOrigins }),
      ...(config.path === undefined ? {} : { path: config.path }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      serverIdentity: service.serverIdentity
    })
    // A2A over HTTP on the same port, through the same authenticator, authorizer and audit log.
    const httpUrl = server.url.replace(/^ws/u, "http").replace(/^(https?:\/\/[^/]+).*$/u, "$1")
    router.use(await a2aGateway({ runtime, baseUrl: httpUrl }))
    // The server signs the audit log's head into the log now and then, so a rewrite of the chain below a
    // signed head is caught by a plain `coderclaw audit verify`.
    const signHead = () =>
      runtime
        .runPromise(signAuditHead(service.audit, service.serverIdentity).pipe(Effect.ignore))
        .catch(() => undefined)
    const headTimer = setInterval(signHead, options.auditHeadIntervalMs ?? 5 * 60_000)
    headTimer.unref()
    let closing: Promise<void> | undefined
    return {
      url: server.url,
      port: server.port,
      config: { ...config, port: server.port },
      security: service,
      agentIds: agents.map((agent) => agent.descriptor.id),
      httpUrl,
      http: { use: router.use },
      ...(metricsListener === undefined ? {} : { metricsUrl: metricsListener.url }),
      close: () => {
        clearInterval(headTimer)
        closing ??= server
          .close()
          .then(signHead)
          .then(closeAll)
          .then(() => closeHttp(http))
        return closing
      }
    }
  } catch (error) {
    await closeAll().catch(() => undefined)
    throw error
  }
}
