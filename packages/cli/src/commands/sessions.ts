import type { Session } from "@coderclaw/security"
import type { Command } from "commander"
import { Effect } from "effect"
import { orFail, osUser, withAdmin } from "../admin/openAdmin.js"
import { failedError, usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { formatTime, table } from "../output/table.js"
import { adminNote, adminOptionsOf, withAdminOptions } from "./adminOptions.js"

interface SessionsOptions {
  readonly user?: string
  readonly all?: boolean
  readonly database?: string
  readonly config?: string
  readonly security?: string
}

/** A principal as the operator may write it: `local:alice`, or a bare local user name `alice`. */
const principalOf = (user: string): string => (user.includes(":") ? user : `local:${user}`)

const sessionView = (session: Session) => ({
  sessionId: session.id,
  principalId: session.principalId,
  roles: session.roles,
  deviceId: session.deviceId ?? null,
  trust: session.trust,
  scopes: session.scopes,
  createdAt: session.createdAt,
  expiresAt: session.expiresAt
})

/** `coderclaw sessions list|revoke`: live sessions, in the database file; revoking ends them at once. */
export const registerSessions = (program: Command, context: CommandContext): void => {
  const sessions = program
    .command("sessions")
    .summary("live sessions (on the server's machine)")
    .description(
      `Lists and revokes sessions. A revoked session's next call is refused and its open connections and streams\nend within a second, on a running server too.\n\n${adminNote}`
    )

  withAdminOptions(
    sessions
      .command("list")
      .summary("list live sessions")
      .description(`Lists sessions that are neither revoked nor expired: every user's, or one user's.\n\n${adminNote}`)
      .option("-u, --user <principal>", "only this principal's (local:<name>, or a local user name)")
  ).action(async (options: SessionsOptions, command: Command) => {
    const out = context.output(command)
    const list = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        (options.user === undefined
          ? security.sessions.listActive
          : security.sessions.listFor(principalOf(options.user))
        ).pipe(orFail("cannot read the sessions"))
      )
    )
    out.result(list.map(sessionView), () =>
      list.length === 0
        ? "No live sessions."
        : table(
            ["SESSION", "PRINCIPAL", "ROLES", "DEVICE", "CREATED", "EXPIRES"],
            list.map((session) => [
              session.id,
              session.principalId,
              session.roles.join(","),
              session.deviceId === undefined ? "-" : `${session.deviceId} (${session.trust})`,
              formatTime(session.createdAt),
              formatTime(session.expiresAt)
            ])
          )
    )
  })

  withAdminOptions(
    sessions
      .command("revoke")
      .summary("revoke a session, or every session of a user")
      .description(
        `Revokes one session by id, or with --user every session of that principal. Takes effect at once, on a\nrunning server too.\n\n${adminNote}`
      )
      .argument("[session]", "the session id (see `coderclaw sessions list`)")
      .option("-u, --user <principal>", "revoke every session of this principal instead")
  ).action(async (sessionId: string | undefined, options: SessionsOptions, command: Command) => {
    const out = context.output(command)
    if ((sessionId === undefined) === (options.user === undefined)) {
      throw usageError("name a session id, or a principal with --user (not both)")
    }
    const revoked = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        Effect.gen(function* () {
          return yield* security.admin
            .revokeSessions(
              options.user === undefined
                ? { sessionId: sessionId as string }
                : { principalId: principalOf(options.user) },
              { actor: "system:cli", via: "cli-database", details: { osUser: osUser() } }
            )
            .pipe(
              Effect.mapError((error) =>
                error._tag === "AuditError"
                  ? failedError(`cannot write the audit log: ${error.message}`)
                  : options.user !== undefined
                    ? failedError(`cannot revoke the sessions: ${error.message}`)
                    : error.reason === "NotFound"
                      ? failedError(`no such session: ${sessionId}`, { hint: "see `coderclaw sessions list`" })
                      : failedError(`cannot revoke the session: ${error.message}`)
              )
            )
        })
      )
    )
    out.result({ revoked }, () =>
      options.user === undefined
        ? `Revoked session ${sessionId}.`
        : `Revoked ${revoked} session${revoked === 1 ? "" : "s"} of ${principalOf(options.user)}.`
    )
  })
}
