import type { LocalUserChange } from "@coderclaw/security"
import type { Command } from "commander"
import { Effect } from "effect"
import { type Admin, orFail, osUser, withAdmin } from "../admin/openAdmin.js"
import { type CliError, failedError, usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { collectList } from "../cli/parseArguments.js"
import { readPassword } from "../client/readPassword.js"
import { formatTime, table } from "../output/table.js"
import { adminNote, adminOptionsOf, withAdminOptions } from "./adminOptions.js"

interface AddOptions {
  readonly role: ReadonlyArray<string>
  readonly passwordStdin?: boolean
  readonly displayName?: string
  readonly database?: string
  readonly config?: string
  readonly security?: string
}

interface ChangeOptions {
  readonly role?: ReadonlyArray<string>
  readonly database?: string
  readonly config?: string
  readonly security?: string
}

/** `coderclaw users add|list|disable|enable|rm|set-roles`: local accounts, in the database file. */
export const registerUsers = (program: Command, context: CommandContext): void => {
  const users = program
    .command("users")
    .summary("local accounts (on the server's machine)")
    .description(
      `Creates, lists and changes local accounts. Disabling, deleting or changing the roles of an account\nrevokes its sessions at once, on a running server too.\n\n${adminNote}`
    )

  withAdminOptions(
    users
      .command("add")
      .summary("create a local account")
      .description(
        `Creates a local account with the given roles (built-in: admin, developer, readonly, ci; or custom roles of\nsecurity.yaml). The password is asked without echo, or read from stdin with --password-stdin.\n\n${adminNote}`
      )
      .argument("<name>", "the user name: lowercase letters, digits, . _ -")
      .requiredOption("--role <role>", "a role to grant (repeat or separate with commas)", collectList)
      .option("--password-stdin", "read the password from stdin")
      .option("--display-name <text>", "the name shown instead of the user name")
  ).action(async (name: string, options: AddOptions, command: Command) => {
    const out = context.output(command)
    const roles = [...new Set(options.role)]
    if (roles.length === 0) throw usageError("--role: name at least one role")
    const password = await readPassword(context.io, { fromStdin: options.passwordStdin === true, confirm: true })
    const profile = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io, true), ({ security }) =>
        Effect.gen(function* () {
          const unknown = roles.filter((role) => !security.gate.table.has(role))
          if (unknown.length > 0) {
            return yield* usageError(
              `unknown role${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
              `known roles: ${[...security.gate.table.keys()].join(", ")}`
            )
          }
          return yield* security.admin
            .createUser(
              {
                username: name,
                password,
                roles,
                ...(options.displayName === undefined ? {} : { displayName: options.displayName })
              },
              { actor: "system:cli", via: "cli-database", details: { osUser: osUser() } }
            )
            .pipe(
              Effect.mapError((error) =>
                error._tag === "AuditError"
                  ? failedError(`cannot write the audit log: ${error.message}`)
                  : error.reason === "AlreadyExists"
                    ? failedError(`the account ${name} already exists`)
                    : error.reason === "WeakPassword" ||
                        error.reason === "InvalidUsername" ||
                        error.reason === "InvalidProfile"
                      ? usageError(error.message)
                      : failedError(error.message)
              )
            )
        })
      )
    )
    out.result(
      { principalId: `local:${profile.username}`, ...profile },
      () => `Created local:${profile.username} (roles: ${profile.roles.join(", ")}).`
    )
  })

  withAdminOptions(
    users.command("list").summary("list local accounts").description(`Lists local accounts.\n\n${adminNote}`)
  ).action(async (options: AddOptions, command: Command) => {
    const out = context.output(command)
    const list = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        security.users.listUsers.pipe(orFail("cannot read the accounts"))
      )
    )
    out.result(list, () =>
      list.length === 0
        ? "No accounts. Create one with `coderclaw users add <name> --role admin`."
        : table(
            ["PRINCIPAL", "ROLES", "STATE", "CREATED"],
            list.map((user) => [
              `local:${user.username}`,
              user.roles.join(","),
              user.disabled ? "disabled" : "active",
              formatTime(user.createdAt)
            ])
          )
    )
  })

  /** One change to an existing account, audited by security as `user.<action>`; it revokes the sessions. */
  const change = (
    name: string,
    options: ChangeOptions,
    command: Command,
    changeOf: (security: Admin["security"]) => Effect.Effect<LocalUserChange, CliError>
  ) =>
    Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        Effect.gen(function* () {
          const wanted = yield* changeOf(security)
          yield* security.admin
            .changeUser(name, wanted, { actor: "system:cli", via: "cli-database", details: { osUser: osUser() } })
            .pipe(
              Effect.mapError((error) =>
                error._tag === "AuditError"
                  ? failedError(`cannot write the audit log: ${error.message}`)
                  : error.reason === "NotFound"
                    ? failedError(`no local account ${name}`, { hint: "see `coderclaw users list`" })
                    : error.reason === "InvalidRoles"
                      ? usageError(error.message)
                      : failedError(error.message)
              )
            )
        })
      )
    ).then(() => context.output(command))

  withAdminOptions(
    users
      .command("disable")
      .summary("block an account's logins and end its sessions")
      .description(`Blocks logins to a local account and revokes its sessions at once.\n\n${adminNote}`)
      .argument("<name>", "the user name")
  ).action(async (name: string, options: ChangeOptions, command: Command) => {
    const out = await change(name, options, command, () => Effect.succeed({ action: "disable" }))
    out.result(
      { principalId: `local:${name}`, disabled: true },
      () => `Disabled local:${name}; its sessions are revoked.`
    )
  })

  withAdminOptions(
    users
      .command("enable")
      .summary("allow a disabled account to log in again")
      .description(`Allows logins to a disabled local account again (its old sessions stay revoked).\n\n${adminNote}`)
      .argument("<name>", "the user name")
  ).action(async (name: string, options: ChangeOptions, command: Command) => {
    const out = await change(name, options, command, () => Effect.succeed({ action: "enable" }))
    out.result({ principalId: `local:${name}`, disabled: false }, () => `Enabled local:${name}.`)
  })

  withAdminOptions(
    users
      .command("rm")
      .summary("delete an account and end its sessions")
      .description(`Deletes a local account and revokes its sessions at once.\n\n${adminNote}`)
      .argument("<name>", "the user name")
  ).action(async (name: string, options: ChangeOptions, command: Command) => {
    const out = await change(name, options, command, () => Effect.succeed({ action: "delete" }))
    out.result(
      { principalId: `local:${name}`, deleted: true },
      () => `Deleted local:${name}; its sessions are revoked.`
    )
  })

  withAdminOptions(
    users
      .command("set-roles")
      .summary("replace an account's roles and end its sessions")
      .description(
        `Replaces a local account's roles and revokes its sessions at once: the user logs in again to act with\nthe new roles.\n\n${adminNote}`
      )
      .argument("<name>", "the user name")
      .requiredOption("--role <role>", "a role to grant (repeat or separate with commas)", collectList)
  ).action(async (name: string, options: ChangeOptions, command: Command) => {
    const roles = [...new Set(options.role ?? [])]
    if (roles.length === 0) throw usageError("--role: name at least one role")
    const out = await change(name, options, command, (security) => {
      const unknown = roles.filter((role) => !security.gate.table.has(role))
      return unknown.length > 0
        ? Effect.fail(usageError(`unknown role${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`))
        : Effect.succeed({ action: "roles", roles })
    })
    out.result(
      { principalId: `local:${name}`, roles },
      () => `local:${name} now has roles ${roles.join(", ")}; its sessions are revoked.`
    )
  })
}
