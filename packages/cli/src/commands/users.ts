import type { Command } from "commander"
import { Effect } from "effect"
import { orFail, osUser, withAdmin } from "../admin/openAdmin.js"
import { failedError, usageError } from "../cli/CliError.js"
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

/** `coderclaw users add|list`: local accounts, in the database file. */
export const registerUsers = (program: Command, context: CommandContext): void => {
  const users = program
    .command("users")
    .summary("local accounts (on the server's machine)")
    .description(`Creates and lists local accounts.\n\n${adminNote}`)

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
          const created = yield* security.users
            .createUser({
              username: name,
              password,
              roles,
              ...(options.displayName === undefined ? {} : { displayName: options.displayName })
            })
            .pipe(
              Effect.mapError((error) =>
                error.reason === "already_exists"
                  ? failedError(`the account ${name} already exists`)
                  : error.reason === "weak_password" ||
                      error.reason === "invalid_username" ||
                      error.reason === "invalid_profile"
                    ? usageError(error.message)
                    : failedError(error.message)
              )
            )
          yield* security.audit
            .record({
              actor: "system:cli",
              action: "user.create",
              resource: `user/local:${created.username}`,
              decision: "success",
              reasons: ["via:cli-database"],
              details: { roles: roles.join(","), osUser: osUser() }
            })
            .pipe(orFail("cannot write the audit log"))
          return created
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
}
