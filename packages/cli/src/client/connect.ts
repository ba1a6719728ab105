import { type Credentials, type HelloResult, isRuntimeError } from "@coderclaw/protocol"
import { type DeviceKey, serverIdentityCheck } from "@coderclaw/security"
import type { ServerIdentityCheck, WsClient } from "@coderclaw/transport-ws/client"
import { Effect } from "effect"
import { signIn } from "../app/signIn.js"
import { connectionError, usageError } from "../cli/CliError.js"
import type { CliIo } from "../cli/CliIo.js"
import { cliVersion } from "../cli/version.js"
import { type CliHome, cliHome } from "./CliHome.js"
import { toCliError } from "./describeRuntimeError.js"
import { readDeviceKey } from "./deviceKeyFile.js"
import { readSession, type SavedSession } from "./sessionFile.js"

/** The server used when neither `--server`, `CODERCLAW_SERVER` nor a saved session names one. */
export const defaultServerUrl = "ws://127.0.0.1:8787"

/**
 * Reconnection attempts before `watch` and `submit --wait` give up on an unreachable server: with backoff
 * growing to 5 s between attempts (half of it random), about two minutes, like `readWhileReconnecting`.
 */
export const streamReconnectAttempts = 40

/** What every client command knows besides its own arguments. */
export interface ClientContext {
  readonly io: CliIo
  /** `--server`, if given. */
  readonly server?: string
}

/** An open, authenticated connection. */
export interface Connected {
  readonly client: WsClient
  readonly hello: HelloResult
  readonly url: string
  readonly home: CliHome
}

/** `--server`, else `CODERCLAW_SERVER`, else the saved session's server, else `ws://127.0.0.1:8787`. */
export const resolveServerUrl = (context: ClientContext, saved?: SavedSession): string => {
  const fromEnv = context.io.env.CODERCLAW_SERVER
  const url = context.server ?? (fromEnv === undefined || fromEnv === "" ? undefined : fromEnv) ?? saved?.server
  const chosen = url ?? defaultServerUrl
  if (!/^wss?:\/\/[^\s/]+/.test(chosen)) {
    throw usageError(`not a WebSocket URL: ${chosen}`, "write it as ws://host:port or wss://host:port")
  }
  return chosen
}

/**
 * Connects and authenticates, with the device's proof of its key when there is a device key. Resolves once
 * the server's `hello` arrived; a refusal or an unreachable server rejects with a `CliError` (exit 3).
 */
export const openClient = async (
  url: string,
  credentials: Credentials,
  device: DeviceKey | undefined,
  serverIdentity?: ServerIdentityCheck
): Promise<{ readonly client: WsClient; readonly hello: HelloResult }> => {
  try {
    const { client, hello } = await signIn({
      url,
      credentials,
      clientInfo: { name: "coderclaw-cli", version: cliVersion },
      // A followed task outlives a server restart: streams keep trying for about two minutes.
      maxReconnectAttempts: streamReconnectAttempts,
      ...(device === undefined ? {} : { device }),
      ...(serverIdentity === undefined ? {} : { serverIdentity })
    })
    return { client, hello }
  } catch (error) {
    if (isRuntimeError(error) && error._tag === "Unauthenticated" && error.reason === "server_identity_mismatch") {
      throw connectionError(
        `the server at ${url} did not prove the identity key your saved session belongs to, so the session was not sent`,
        `log in to that server again: coderclaw login --server ${url} --user <name>`
      )
    }
    throw toCliError(error, url)
  }
}

/**
 * Runs `use` on a connection opened with the saved session (`coderclaw login`) and the device key, closing
 * it afterwards. Errors of the calls become `CliError`s with their exit codes.
 */
export const withSession = async <A>(context: ClientContext, use: (connected: Connected) => Promise<A>): Promise<A> => {
  const home = cliHome(context.io.env, context.io.cwd)
  const saved = readSession(home)
  const url = resolveServerUrl(context, saved)
  if (saved === undefined) {
    throw connectionError("not logged in", "run `coderclaw login --user <name>` first")
  }
  const device = await Effect.runPromise(readDeviceKey(home))
  // The token goes only to the server it was issued by: the one that proves the key pinned at login.
  const pinned = saved.serverKey?.publicKey
  if (pinned === undefined) {
    throw connectionError(
      "the saved session is not bound to a server identity key",
      `log in again: coderclaw login --server ${url} --user <name>`
    )
  }
  const { client, hello } = await openClient(
    url,
    { type: "token", token: saved.token },
    device,
    serverIdentityCheck({ pinned })
  )
  try {
    return await use({ client, hello, url, home })
  } catch (error) {
    throw toCliError(error, url)
  } finally {
    await client.close().catch(() => undefined)
  }
}
