import type { SecurityScheme } from "@a2a-js/sdk"
import { type Principal, systemPrincipalId } from "@coderclaw/protocol"
import { Authenticator, Authorizer, RUNTIME_VERSION, Runtime } from "@coderclaw/runtime"
import { Effect, type ManagedRuntime, Option } from "effect"
import { a2aRoutes } from "./a2a/a2aRoutes.js"
import { agentCard } from "./a2a/agentCard.js"
import { RuntimeRequestHandler } from "./a2a/RuntimeRequestHandler.js"
import { HttpAuthentication } from "./auth/HttpAuthentication.js"
import type { HttpRoute } from "./http/HttpRoute.js"

/** How to serve A2A from a runtime. */
export interface A2aGatewayOptions {
  /** A managed runtime providing `Runtime` and `Authenticator` (and, for the method gate, `Authorizer`). */
  readonly runtime: ManagedRuntime.ManagedRuntime<Runtime | Authenticator, unknown>
  /**
   * The URL clients reach the server at (no trailing slash), named in the agent card's interfaces; a
   * function when it is known only once the server listens.
   */
  readonly baseUrl: string | (() => string)
  /** The agent a message that names none goes to. Default: such a message is refused. */
  readonly defaultAgentId?: string
  /** The card's name and description. */
  readonly name?: string
  readonly description?: string
  /** More security schemes for the card (e.g. an OpenID Connect issuer clients can get a token from). */
  readonly securitySchemes?: Readonly<Record<string, SecurityScheme>>
  /** Largest request body accepted. Default 1 MiB. */
  readonly maxBodyBytes?: number
}

// The card is public and lists every registered agent, whoever asks: it is read as the gateway itself.
const cardReader: Principal = {
  id: systemPrincipalId("gateway"),
  provider: "system",
  sessionId: systemPrincipalId("gateway"),
  roles: [],
  trust: "untrusted"
}

/**
 * The A2A 1.0 route group of a server (see `a2aRoutes`), answered by the runtime of `options.runtime` as
 * the caller each request authenticates as. Mount it with `httpRouter([await a2aGateway(...)])` on the
 * `http.Server` the WebSocket server shares.
 */
export const a2aGateway = async (options: A2aGatewayOptions): Promise<HttpRoute> => {
  const services = await options.runtime.runPromise(
    Effect.gen(function* () {
      return {
        runtime: yield* Runtime,
        authenticator: yield* Authenticator,
        authorizer: Option.getOrUndefined(yield* Effect.serviceOption(Authorizer))
      }
    })
  )
  const baseUrl = options.baseUrl
  const handler = new RuntimeRequestHandler({
    runtime: services.runtime,
    agentCard: async () =>
      agentCard(await Effect.runPromise(services.runtime.listAgents(cardReader)), {
        baseUrl: typeof baseUrl === "string" ? baseUrl : baseUrl(),
        version: RUNTIME_VERSION,
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.securitySchemes === undefined ? {} : { securitySchemes: options.securitySchemes })
      }),
    ...(options.defaultAgentId === undefined ? {} : { defaultAgentId: options.defaultAgentId })
  })
  const authentication = new HttpAuthentication({
    authenticator: services.authenticator,
    ...(services.authorizer === undefined ? {} : { authorizer: services.authorizer })
  })
  return a2aRoutes({
    handler,
    authentication,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes })
  })
}
