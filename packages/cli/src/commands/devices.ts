import type { DevicePairingError, DevicePairingRequest, DeviceStoreError, SecurityShape } from "@coderclaw/security"
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

const pairingFailure = (error: DevicePairingError | DeviceStoreError): CliError => {
  if (error._tag === "DeviceStoreError") return failedError(`the device store failed: ${error.message}`)
  switch (error.reason) {
    case "not_permitted":
      return failedError(`not permitted: ${error.detail ?? "the operator lacks device:approve"}`, {
        code: "FORBIDDEN",
        hint: "pass --as <principal> naming an account whose roles grant device:approve (admin does)"
      })
    case "not_found":
      return failedError(
        `no such pairing request or device${error.requestId === undefined ? "" : `: ${error.requestId}`}`,
        {
          hint: "`coderclaw devices pending` lists the requests awaiting a decision"
        }
      )
    case "expired":
      return failedError("the pairing request expired: log in again from the device to ask again")
    default:
      return failedError(error.message)
  }
}

/**
 * The pending request an operator means: a request id as listed by `devices pending`, or a device id
 * (`dev_…`, as `coderclaw login` prints it) that has exactly one pending request.
 */
const pendingRequest = (security: SecurityShape, id: string): Effect.Effect<string, CliError> =>
  Effect.gen(function* () {
    if (!id.startsWith("dev_")) return id
    const pending = yield* security.devices.listPending.pipe(orFail("cannot read the pairing requests"))
    const mine = pending.filter((request) => request.deviceId === id)
    if (mine.length === 0) {
      return yield* failedError(`no pending pairing request for device ${id}`, {
        hint: "the device asks when it logs in (requests expire after 10 minutes): log in again, then approve"
      })
    }
    if (mine.length > 1) {
      return yield* failedError(
        `device ${id} has ${mine.length} pending requests (${mine.map((request) => request.principalId).join(", ")})`,
        { hint: "approve one by its request id (see `coderclaw devices pending`)" }
      )
    }
    return (mine[0] as DevicePairingRequest).id
  })

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
            const requestId = yield* pendingRequest(security, id)
            const audit = (decision: "success" | "failure", reasons: ReadonlyArray<string>, deviceId?: string) =>
              security.audit
                .record({
                  actor: operator.principalId,
                  device: deviceId,
                  action: `device.${verb}`,
                  resource: `pairing/${requestId}`,
                  decision,
                  reasons: ["via:cli-database", ...reasons],
                  details: { osUser: osUser(), reason: options.reason }
                })
                .pipe(orFail("cannot write the audit log"))
            const decided =
              verb === "approve"
                ? security.devices.approve(requestId, operator).pipe(
                    Effect.map((device) => ({
                      requestId,
                      deviceId: device.deviceId,
                      principalId: device.principalId
                    }))
                  )
                : security.devices.reject(requestId, operator, options.reason).pipe(
                    Effect.map((request) => ({
                      requestId,
                      deviceId: request.deviceId,
                      principalId: request.principalId
                    }))
                  )
            return yield* decided.pipe(
              Effect.tap((result) => audit("success", [], result.deviceId)),
              Effect.tapError((error) =>
                audit("failure", [
                  error._tag === "DevicePairingError" ? `pairing:${error.reason}` : "device-store:failed"
                ])
              ),
              Effect.mapError((error) => (error._tag === "CliError" ? error : pairingFailure(error))),
              Effect.map((result) => ({ ...result, operator: operator.principalId }))
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
          const audit = (decision: "success" | "failure", reasons: ReadonlyArray<string>) =>
            security.audit
              .record({
                actor: operator.principalId,
                device: deviceId,
                action: "device.revoke",
                resource: `device/${deviceId}`,
                decision,
                reasons: ["via:cli-database", ...reasons],
                details: { osUser: osUser() }
              })
              .pipe(orFail("cannot write the audit log"))
          return yield* security.devices.revoke(deviceId, operator).pipe(
            Effect.tap(() => audit("success", [])),
            Effect.tapError((error) =>
              audit("failure", [
                error._tag === "DevicePairingError" ? `pairing:${error.reason}` : "device-store:failed"
              ])
            ),
            Effect.mapError((error) => (error._tag === "CliError" ? error : pairingFailure(error)))
          )
        })
      )
    )
    out.result(device, () => `Revoked device ${device.deviceId} (paired to ${device.principalId}).`)
  })
}
