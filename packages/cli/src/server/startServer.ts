import { closeSync, mkdirSync, openSync } from "node:fs"
import { dirname } from "node:path"
import { workflowAgent } from "@coderclaw/orchestrator"
import {
  type AgentDefinition,
  Authenticator,
  Authorizer,
  Runtime,
  type RuntimeOptions,
  type SkillDefinition
} from "@coderclaw/runtime"
import { Security, type SecurityConfig, type SecurityShape } from "@coderclaw/security"
import { SqliteJournal, SqliteSecurityStore } from "@coderclaw/store-sqlite"
import { startWsServer, type WsLimits } from "@coderclaw/transport-ws"
import { Effect, Layer, ManagedRuntime } from "effect"
import { type ResolvedRuntimeConfig, resolveRuntimeConfig } from "../config/loadRuntimeConfig.js"
import { defaultSecurityConfig } from "../config/loadSecurityFile.js"
import type { RuntimeConfig } from "../config/RuntimeConfig.js"
import { builtins } from "./builtins.js"
import { type InspectionFile, inspectToFile } from "./inspectToFile.js"
import { sandboxWarning } from "./sandboxWarning.js"

/** How to assemble a coderClaw server. Every field is optional. */
export interface StartServerOptions {
  /**
   * The settings of `runtime.yaml` (decoded), defaults applied: `127.0.0.1:8787`, the database
   * `.coderclaw/coderclaw.db`, the working directory as repository. Relative paths resolve against `cwd`.
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

// The database holds password hashes and session-signing keys, the inspection log every task's inputs:
// when they live inside the repository the agents work on (the default `.coderclaw/` does), the repository
// tools must not read, list or search them, whatever the policies allow.
const serverFiles = (config: ResolvedRuntimeConfig): ReadonlyArray<string> => [
  ...["", "-wal", "-shm", "-journal"].map((suffix) => `${config.database}${suffix}`),
  ...(config.inspect === undefined ? [] : [config.inspect.file])
]

/**
 * Starts a coderClaw server: the runtime on a durable SQLite journal, the security service on the same
 * database file (accounts, sessions, signing keys, devices, audit log), its authenticator and authorizer as
 * the runtime's ports, the built-in agents and skills plus the workflow agent, behind an authenticated
 * WebSocket server. Rejects with the typed error of what could not start (`JournalError`,
 * `SqliteSecurityStoreError`, `SecurityConfigError`, `WsServerError`).
 */
export const startServer = async (options: StartServerOptions = {}): Promise<CoderclawServer> => {
  const config = resolveRuntimeConfig(options.config ?? {}, options.cwd ?? process.cwd())
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
  const agents = byId([...(options.agents ?? []), ...builtin.agents, workflowAgent()], (agent) => agent.descriptor.id)
  const skills = byId([...(options.skills ?? []), ...builtin.skills], (skill) => skill.descriptor.id)

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

  createPrivately(config.database)
  const security = Security.layer(securityConfig).pipe(
    Layer.provide(SqliteSecurityStore.layer({ filename: config.database }))
  )
  const ports = Layer.mergeAll(
    Layer.effect(
      Authorizer,
      Effect.map(securityService, (service) => service.authorizer)
    ),
    Layer.effect(
      Authenticator,
      Effect.map(securityService, (service) => service.authenticator)
    )
  ).pipe(Layer.provideMerge(security))
  const runtimeLayer = Runtime.layer({
    agents,
    skills,
    mode: "remote-enabled",
    ...(config.maxConcurrentTasks === undefined ? {} : { maxConcurrentTasks: config.maxConcurrentTasks }),
    ...(inspect === undefined ? {} : { inspect }),
    ...(warning === undefined ? {} : { healthChecks: [{ name: "sandbox", state: "degraded", detail: warning }] })
  }).pipe(Layer.provideMerge(Layer.merge(SqliteJournal.layer({ filename: config.database }), ports)))
  const runtime = ManagedRuntime.make(runtimeLayer)

  const closeAll = async () => {
    await runtime.dispose()
    await inspection?.close()
  }
  try {
    const service = await runtime.runPromise(securityService)
    const server = await startWsServer({
      runtime,
      host: config.host,
      port: config.port,
      ...(config.allowedOrigins === undefined ? {} : { allowedOrigins: config.allowedOrigins }),
      ...(config.path === undefined ? {} : { path: config.path }),
      ...(options.limits === undefined ? {} : { limits: options.limits })
    })
    let closing: Promise<void> | undefined
    return {
      url: server.url,
      port: server.port,
      config: { ...config, port: server.port },
      security: service,
      agentIds: agents.map((agent) => agent.descriptor.id),
      close: () => {
        closing ??= server.close().then(closeAll)
        return closing
      }
    }
  } catch (error) {
    await closeAll().catch(() => undefined)
    throw error
  }
}
