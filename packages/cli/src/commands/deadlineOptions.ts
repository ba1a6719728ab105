import type { Command } from "commander"
import { parseIntegerOption } from "../cli/parseArguments.js"

const day = 86_400_000

/** `--timeout` and `--waiting-timeout`, the task's deadlines, as `submit` and `ci submit` take them. */
export const addDeadlineOptions = (command: Command): Command =>
  command
    .option(
      "--timeout <ms>",
      "fail the task if it has not ended after this long",
      parseIntegerOption("--timeout", 1, 30 * day)
    )
    .option(
      "--waiting-timeout <ms>",
      "fail the task if it waits (for input or approval) longer than this",
      parseIntegerOption("--waiting-timeout", 1, 30 * day)
    )
