import type { HealthCheck } from "@coderclaw/protocol"
import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { ExitCode } from "../cli/ExitCode.js"
import { withSession } from "../client/connect.js"
import { formatDuration } from "../output/formatValue.js"
import { singleLine, table } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"

/** The unit of each built-in health check's measured figure. */
const unitOf: Readonly<Record<string, string>> = {
  "event-loop-lag": "ms (p99)",
  queue: "queued tasks",
  "journal-integrity": "damaged tasks"
}

/** A check's measured figure with its unit: `event-loop-lag 42 ms (p99)`. */
const observedOf = (check: HealthCheck): string => {
  if (check.observed === undefined) return ""
  const unit = unitOf[check.name]
  return unit === undefined ? String(check.observed) : `${check.observed} ${unit}`
}

/** `coderclaw status`: the server's measured figures and health. */
export const registerStatus = (program: Command, context: CommandContext): void => {
  program
    .command("status")
    .summary("show the server's status and health")
    .description(
      "Shows the server's version, mode, uptime, tasks per state, queue depth and health checks, as measured now.\n" +
        "Exits 1 when the server reports itself failing."
    )
    .action(async (_options: unknown, command: Command) => {
      const out = context.output(command)
      const { status, principal, url } = await withSession(
        clientContextOf(context, command),
        async ({ client, hello, url }) => ({
          status: await client.status(),
          principal: hello.principal,
          url
        })
      )
      if (status.health.state === "failing") context.exitWith(ExitCode.failed)
      out.result({ server: url, principal, ...status }, () => {
        const counts = Object.entries(status.tasks)
          .map(([state, count]) => `${state} ${count}`)
          .join(", ")
        return [
          `server    ${url} (node ${status.nodeId}, ${status.mode})`,
          `version   ${status.version}, protocol ${status.protocolVersion}`,
          `uptime    ${formatDuration(status.uptimeMs)}`,
          `you       ${principal.id} (roles: ${principal.roles.join(", ") || "none"}; trust ${principal.trust})`,
          `tasks     ${counts}; queue depth ${status.queueDepth}`,
          `health    ${status.health.state}`,
          table(
            ["  CHECK", "STATE", "OBSERVED", "DETAIL"],
            status.health.checks.map((check) => [
              `  ${check.name}`,
              check.state,
              observedOf(check),
              singleLine(check.detail ?? "")
            ])
          )
        ].join("\n")
      })
    })
}
