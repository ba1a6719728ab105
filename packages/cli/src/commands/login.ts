import type { ServerKey } from "@coderclaw/protocol"
import { serverIdentityCheck } from "@coderclaw/security"
import type { Command } from "commander"
import { Effect } from "effect"
import { failedError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { type CliHome, cliHome } from "../client/CliHome.js"
import { openClient, resolveServerUrl } from "../client/connect.js"
import { loadOrCreateDeviceKey, readDeviceKey } from "../client/deviceKeyFile.js"
import { endSession } from "../client/endSession.js"
import { readPassword } from "../client/readPassword.js"
import { deleteSession, readSession, writeSession } from "../client/sessionFile.js"
import { formatTime } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"

interface LoginOptions {
  readonly user: string
  readonly passwordStdin?: boolean
}

const previousSession = (home: CliHome) => {
  try {
    return readSession(home)
  } catch {
    return undefined
  }
}

/** `coderclaw login`, `logout` and `whoami`: the session saved in `$CODERCLAW_HOME`. */
export const registerLogin = (program: Command, context: CommandContext): void => {
  program
    .command("login")
    .summary("log in to a server with a local account")
    .description(
      "Logs in with a local account's password and saves the session in $CODERCLAW_HOME/session.json (mode 0600),\n" +
        "which later commands reuse until it expires. The first login creates this machine's device key\n" +
        "($CODERCLAW_HOME/device.json, Ed25519): the device proves it on every connection, and asks to be paired\n" +
        "until an operator approves it with `coderclaw devices approve <device id>` on the server's machine.\n" +
        "The password is asked without echo, or read from stdin with --password-stdin."
    )
    .requiredOption("-u, --user <name>", "the local account's user name")
    .option(
      "--password-stdin",
      "read the password from stdin (e.g. `printenv PW | coderclaw login -u ci --password-stdin`)"
    )
    .action(async (options: LoginOptions, command: Command) => {
      const out = context.output(command)
      const client = clientContextOf(context, command)
      const home = cliHome(context.io.env, context.io.cwd)
      // Resolved (and a malformed URL refused) before the password is asked; a previous session's server
      // is the default, so logging in again needs no --server.
      const url = resolveServerUrl(client, previousSession(home))
      const fresh = (await Effect.runPromise(readDeviceKey(home))) === undefined
      const device = await Effect.runPromise(loadOrCreateDeviceKey(home))
      if (fresh) out.note(`Created this machine's device key ${device.deviceId} in ${home.deviceKeyFile}.`)
      const password = await readPassword(context.io, { fromStdin: options.passwordStdin === true })
      // The key the server proves before the password is sent is pinned with the session.
      const proved: { key?: ServerKey } = {}
      const { client: connection, hello } = await openClient(
        url,
        { type: "password", username: options.user, password },
        device,
        serverIdentityCheck({
          onProved: (key) => {
            proved.key = key
          }
        })
      )
      await connection.close().catch(() => undefined)
      const serverKey = proved.key
      if (hello.session === undefined || serverKey === undefined) {
        throw failedError("the server accepted the password but opened no session to save")
      }
      const { principal } = hello
      writeSession(home, {
        server: url,
        token: hello.session.token,
        serverKey: { keyId: serverKey.keyId, publicKey: serverKey.publicKey },
        expiresAt: hello.session.expiresAt,
        principal,
        savedAt: Date.now()
      })
      const paired = principal.trust === "trusted"
      out.result(
        {
          server: url,
          principal,
          expiresAt: hello.session.expiresAt,
          deviceId: device.deviceId,
          trust: principal.trust,
          pairing: paired ? "paired" : "requested"
        },
        () =>
          [
            `Logged in to ${url} as ${principal.id} (roles: ${principal.roles.join(", ") || "none"}); the session lasts until ${formatTime(hello.session?.expiresAt ?? 0)}.`,
            paired
              ? `This device (${device.deviceId}) is paired: trust ${principal.trust}.`
              : `This device (${device.deviceId}) is not paired yet (trust ${principal.trust}); it asked to be.\n` +
                `An operator approves it on the server's machine with: coderclaw devices approve ${device.deviceId}`
          ].join("\n")
      )
    })

  program
    .command("logout")
    .summary("end the saved session on the server and forget it")
    .description(
      "Ends the saved session on its server (`session.logout`: the token is refused from then on, wherever a copy\n" +
        "of it is, and the session's open connections close), then deletes $CODERCLAW_HOME/session.json. When the\n" +
        "server cannot be reached the file is still deleted and the command says so: the session then lives until\n" +
        "it expires, unless an operator revokes it (`coderclaw sessions revoke`). The device key stays."
    )
    .action(async (_options: unknown, command: Command) => {
      const out = context.output(command)
      const home = cliHome(context.io.env, context.io.cwd)
      const saved = previousSession(home)
      const ended =
        saved === undefined || saved.expiresAt <= Date.now() ? undefined : await endSession(saved.server, saved.token)
      const removed = deleteSession(home)
      if (ended !== undefined && !ended.ended && ended.reason === "unreachable") {
        out.note(
          `Could not reach ${saved?.server} to end the session (${ended.detail}); it stays valid until ${formatTime(saved?.expiresAt ?? 0)} unless an operator revokes it.`
        )
      }
      out.result({ loggedOut: removed, endedOnServer: ended?.ended ?? false }, () =>
        removed
          ? ended?.ended === true
            ? "Logged out. The session is ended on the server."
            : "Logged out."
          : "Not logged in."
      )
    })

  program
    .command("whoami")
    .summary("show the saved session")
    .description("Shows who the saved session belongs to and on which server, as of the login (no connection is made).")
    .action((_options: unknown, command: Command) => {
      const out = context.output(command)
      const home = cliHome(context.io.env, context.io.cwd)
      const saved = readSession(home)
      if (saved === undefined) {
        throw failedError("not logged in", { hint: "run `coderclaw login --user <name>`" })
      }
      const expired = saved.expiresAt <= Date.now()
      out.result({ ...saved, token: undefined, expired }, () =>
        [
          `${saved.principal.id} on ${saved.server} (roles: ${saved.principal.roles.join(", ") || "none"})`,
          `device ${saved.principal.deviceId ?? "none"}, trust ${saved.principal.trust} at login`,
          expired
            ? `session expired at ${formatTime(saved.expiresAt)}: log in again`
            : `session valid until ${formatTime(saved.expiresAt)}`
        ].join("\n")
      )
    })
}
