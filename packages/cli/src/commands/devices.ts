import type { AuditError, DeviceError, PairingDecision } from "@coderclaw/security"
import type { Command } from "commander"
import { Effect } from "effect"
import { operatorOf, orFail, osUser, withAdmin } from "../admin/openAdmin.js"
import { type CliError, failedError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { formatTime, table } from "../output/table.js"
import { adminNote, adminOptionsOf, withAdminOptions } from "./adminOptions.js"

interface DeviceOptions {
  readonly as?: string
  readonly reason?: string
  readonly database?: string
  readonly config?: string
  readonly security?: string
}

/** What to tell the operator; `byDevice`: a pairing request was looked up by its device id. */
const pairingFailure = (error: DeviceError | AuditError, byDevice = false): CliError => {
  if (error._tag === "AuditError") return failedError(`cannot write the audit log: ${error.message}`)
  if (error.operation === "store") return failedError(`the device store failed: ${error.message}`)
  switch (error.reason) {
    case "NotPermitted":
      return failedError(`not permitted: ${error.detail ?? "the operator lacks device:approve"}`, {
        code: "FORBIDDEN",
        hint: "pass --as <principal> naming an account whose roles grant device:approve (admin does)"
      })
    case "NotFound":
      return byDevice && error.requestId === undefined
        ? failedError(`no pending pairing request for device ${error.deviceId}`, {
            hint: "the device asks when it logs in (requests expire after 10 minutes): log in again, then approve"
          })
        : failedError(
            `no such pairing request or device${error.requestId === undefined ? "" : `: ${error.requestId}`}`,
            {
              hint: "`coderclaw devices pending` lists the requests awaiting a decision"
            }
          )
    case "Ambiguous":
      return failedError(`device ${error.detail}`, {
        hint: "approve one by its request id (see `coderclaw devices pending`)"
      })
    case "Expired":
      return failedError("the pairing request expired: log in again from the device to ask again")
    default:
      return failedError(error.message)
  }
}

/** `coderclaw devices …`: pairing requests and devices, in the database file. */
export const registerDevices = (program: Command, context: CommandContext): void => {
  const devices = program
    .command("devices")
    .summary("device pairing (on the server's machine)")
    .description(
      `Lists, approves, rejects and revokes devices. A device asks to be paired when it logs in with a key\nthat is not paired yet; once approved, its logins are trusted.\n\n${adminNote}`
    )

  withAdminOptions(
    devices.command("pending").summary("list pairing requests awaiting a decision").description(adminNote)
  ).action(async (options: DeviceOptions, command: Command) => {
    const out = context.output(command)
    const pending = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        security.devices.listPending.pipe(orFail("cannot read the pairing requests"))
      )
    )
    out.result(pending, () =>
      pending.length === 0
        ? "No pairing requests are waiting."
        : table(
            ["REQUEST", "DEVICE", "PRINCIPAL", "REQUESTED", "EXPIRES"],
            pending.map((request) => [
              request.id,
              request.deviceId,
              request.principalId,
              formatTime(request.requestedAt),
              formatTime(request.expiresAt)
            ])
          )
    )
  })

  withAdminOptions(devices.command("list").summary("list paired and revoked devices").description(adminNote)).action(
    async (options: DeviceOptions, command: Command) => {
      const out = context.output(command)
      const list = await Effect.runPromise(
        withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
          security.devices.list().pipe(orFail("cannot read the devices"))
        )
      )
      out.result(list, () =>
        list.length === 0
          ? "No devices are paired."
          : table(
              ["DEVICE", "PRINCIPAL", "STATUS", "PAIRED", "APPROVED BY"],
              list.map((device) => [
                device.deviceId,
                device.principalId,
                device.status,
                formatTime(device.pairedAt),
                device.approvedBy
              ])
            )
      )
    }
  )

  const decide = (verb: "approve" | "reject") =>
    withAdminOptions(
      devices
        .command(verb)
        .summary(`${verb} a pairing request`)
        .description(
          `${verb === "approve" ? "Approves" : "Rejects"} a pairing request, named by its request id or by the device id that\n\`coderclaw login\` printed. The decision is audited as the operator (--as), who must hold device:approve.\n\n${adminNote}`
        )
        .argument("<id>", "a request id (see `devices pending`) or a device id (dev_…)")
        .option(
          "--as <principal>",
          "the operator deciding: a local account holding device:approve (default: the only such account)"
        )
        .option("--reason <text>", verb === "reject" ? "why, kept with the request" : "why, for the audit log")
    ).action(async (id: string, options: DeviceOptions, command: Command) => {
      const out = context.output(command)
      const outcome = await Effect.runPromise(
        withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
          Effect.gen(function* () {
            const operator = yield* operatorOf(security, options.as)
            const context = { actor: operator.principalId, via: "cli-database", details: { osUser: osUser() } }
            const decided: Effect.Effect<PairingDecision, DeviceError | AuditError> =
              verb === "approve"
                ? security.admin.approveDevice(id, operator, context)
                : security.admin.rejectDevice(id, operator, { ...context, reason: options.reason })
            return yield* decided.pipe(
              Effect.map(({ requestId, deviceId, principalId, operator }) => ({
                requestId,
                deviceId,
                principalId,
                operator
              })),
              Effect.mapError((error) => pairingFailure(error, id.startsWith("dev_")))
            )
          })
        )
      )
      out.result({ ...outcome, decision: verb === "approve" ? "approved" : "rejected" }, () =>
        verb === "approve"
          ? `Approved: device ${outcome.deviceId} is paired to ${outcome.principalId}; its next login is trusted.`
          : `Rejected the pairing of device ${outcome.deviceId} for ${outcome.principalId}.`
      )
    })
  decide("approve")
  decide("reject")

  withAdminOptions(
    devices
      .command("revoke")
      .summary("revoke a device for good")
      .description(
        `Revokes a device: the server refuses its proofs from now on, for good (a new key must be paired).\nAudited as the operator (--as), who must hold device:approve.\n\n${adminNote}`
      )
      .argument("<deviceId>", "the device id (dev_…)")
      .option(
        "--as <principal>",
        "the operator revoking: a local account holding device:approve (default: the only such account)"
      )
  ).action(async (deviceId: string, options: DeviceOptions, command: Command) => {
    const out = context.output(command)
    const device = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        Effect.gen(function* () {
          const operator = yield* operatorOf(security, options.as)
          return yield* security.admin
            .revokeDevice(deviceId, operator, {
              actor: operator.principalId,
              via: "cli-database",
              details: { osUser: osUser() }
            })
            .pipe(Effect.mapError((error) => pairingFailure(error)))
        })
      )
    )
    out.result(device, () => `Revoked device ${device.deviceId} (paired to ${device.principalId}).`)
  })
}
