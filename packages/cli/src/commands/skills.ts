import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { withSession } from "../client/connect.js"
import { singleLine, table, truncate } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"

/** `coderclaw skills`: the skills agents may call. */
export const registerSkills = (program: Command, context: CommandContext): void => {
  program
    .command("skills")
    .summary("list the skills")
    .description(
      "Lists the skills agents may call, the permissions each needs, and whether it is dangerous (dangerous\n" +
        "skills wait for a person's approval under the default policies)."
    )
    .action(async (_options: unknown, command: Command) => {
      const out = context.output(command)
      const skills = await withSession(clientContextOf(context, command), ({ client }) => client.listSkills())
      out.result(skills, () =>
        skills.length === 0
          ? "No skills."
          : table(
              ["SKILL", "DANGEROUS", "PERMISSIONS", "DESCRIPTION"],
              skills.map((skill) => [
                skill.id,
                skill.dangerous ? "yes" : "no",
                skill.permissions.join(",") || "-",
                truncate(singleLine(skill.description), 80)
              ])
            )
      )
    })
}
