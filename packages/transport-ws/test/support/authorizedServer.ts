import { randomUUID } from "node:crypto"
import { type Principal, Unauthenticated } from "@coderclaw/protocol"
import {
  Authenticator,
  type AuthorizationRequest,
  Authorizer,
  type AuthorizerShape,
  InMemoryJournal,
  Runtime,
  type RuntimeOptions
} from "@coderclaw/runtime"
import { Effect, Layer, ManagedRuntime } from "effect"
import { startWsServer, type WsServer, type WsServerOptions } from "../../src/index.js"

/** A server whose runtime context holds a test's own `Authorizer`, and a token per principal to reach it. */
export interface AuthorizedServer {
  readonly server: WsServer
  readonly url: string
  /** Every authorization question asked, by the server's method gate and by the runtime alike. */
  readonly asked: ReadonlyArray<AuthorizationRequest>
  tokenFor(principal: Principal): string
  close(): Promise<void>
}

/**
 * Starts an in-memory runtime behind a WebSocket server on 127.0.0.1, port 0, with `authorizer` in the
 * managed runtime's context. `startLoopback` cannot do this: `Runtime.layerInMemory` hides the permissive
 * authorizer inside the runtime layer, so the server would never see one.
 */
export const startAuthorizedServer = async (
  authorizer: AuthorizerShape,
  runtimeOptions: RuntimeOptions,
  serverOptions: WsServerOptions = {}
): Promise<AuthorizedServer> => {
  const asked: Array<AuthorizationRequest> = []
  const recording = Authorizer.of({
    authorize: (request) =>
      Effect.andThen(
        Effect.sync(() => asked.push(request)),
        authorizer.authorize(request)
      ),
    visibleSessions: authorizer.visibleSessions
  })
  const principals = new Map<string, Principal>()
  const authenticator = Layer.succeed(
    Authenticator,
    Authenticator.of({
      authenticate: ({ credentials }) => {
        const principal = credentials.type === "token" ? principals.get(credentials.token) : undefined
        return principal === undefined
          ? Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
          : Effect.succeed({ principal })
      }
    })
  )
  const managed = ManagedRuntime.make(
    Layer.mergeAll(
      // provideMerge keeps the Authorizer in the output context, where the server looks for it.
      Layer.provideMerge(
        Runtime.layer(runtimeOptions),
        Layer.mergeAll(InMemoryJournal.layer, Layer.succeed(Authorizer, recording))
      ),
      authenticator
    )
  )
  const server = await startWsServer({ runtime: managed, host: "127.0.0.1", port: 0, ...serverOptions })
  return {
    server,
    url: server.url,
    asked,
    tokenFor: (principal) => {
      const token = randomUUID()
      principals.set(token, principal)
      return token
    },
    close: async () => {
      await server.close()
      await managed.dispose()
    }
  }
}
