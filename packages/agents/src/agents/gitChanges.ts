import { type AgentDefinition, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import type { AgentOptions } from "../AgentOptions.js"
import { agentInputDecoder, scopeOf, skillResultDecoder, useSkill } from "../internal/agentSupport.js"
import { gitLogId } from "../skills/gitLog.js"
import { gitStatusId } from "../skills/gitStatus.js"

/** The id of the git-changes agent. */
export const gitChangesId = "git-changes"

/** `{ limit?, maxEntries? }`: how many recent commits (default 10) and changed files (default 500) to report. */
const GitChangesInput = Schema.Struct({
  limit: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 1_000 })))),
  maxEntries: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 10_000 }))))
})

const LogResult = Schema.Struct({ commits: Schema.Array(Schema.Json) })

/**
 * `git-changes`: what changed in the repository, from the real git: the working tree's status
 * (`git.status`) and the newest commits (`git.log`). Result: `{ kind: "changes", status, commits }`. In a
 * workflow it stands for the `coder`/`refactorer` step when no LLM is configured: it reports the change
 * the developer made in the working tree, which the next steps test and review.
 */
export const gitChanges = (options: AgentOptions = {}): AgentDefinition => {
  const decode = agentInputDecoder(GitChangesInput, gitChangesId)
  const decodeLog = skillResultDecoder(LogResult, gitLogId)
  return defineAgent({
    id: gitChangesId,
    name: "Git changes",
    description: "Reports the repository's uncommitted changes (git status) and its newest commits (git log).",
    capabilities: ["git", "changes", "repository"],
    input: { schema: GitChangesInput, example: { limit: 5 } },
    skills: [gitStatusId, gitLogId],
    run: (input, ctx) =>
      Effect.gen(function* () {
        const { request } = yield* decode(input)
        const status = yield* useSkill(
          ctx,
          gitStatusId,
          request.maxEntries === undefined ? {} : { maxEntries: request.maxEntries },
          scopeOf(options)
        )
        yield* ctx.progress(50, "status read")
        const log = yield* decodeLog(yield* useSkill(ctx, gitLogId, { limit: request.limit ?? 10 }, scopeOf(options)))
        return { kind: "changes", status, commits: log.commits }
      })
  })
}
