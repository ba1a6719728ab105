import { repoListId } from "@coderclaw/agents"
import { type AgentDefinition, AgentFailure, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"

/** The id of the demo's own agent. */
export const fileCounterId = "file-counter"

const Answer = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(256)))
const Listing = Schema.Struct({
  files: Schema.Array(Schema.Struct({ path: Schema.String, bytes: Schema.Number })),
  truncated: Schema.Boolean
})

const failure = (code: string, message: string) => new AgentFailure({ code, message, retryable: false })

/**
 * `file-counter`: asks its caller which directory to count (the task waits for input), then lists it
 * through the `repo.list` skill, authorised and audited like any built-in's call, and reports
 * `{ directory, files, bytes }`. `repository` is the repository's name in skill scopes, which policies
 * decide on.
 */
export const fileCounter = (repository: string): AgentDefinition =>
  defineAgent({
    id: fileCounterId,
    name: "File counter",
    description: "Asks which directory to count, then counts its files and bytes through repo.list.",
    capabilities: ["ask", "repository"],
    skills: [repoListId],
    run: (_input, ctx) =>
      Effect.gen(function* () {
        const answer = yield* ctx.askInput("Which directory should I count?", { type: "string", minLength: 1 })
        const directory = yield* Schema.decodeUnknownEffect(Answer)(answer).pipe(
          Effect.mapError(() => failure("INVALID_ANSWER", "the answer must be a directory path (a non-empty string)"))
        )
        yield* ctx.progress(50, `counting ${directory}`)
        const listed = yield* ctx
          .callSkill(repoListId, { path: directory }, { repository, paths: [directory] })
          .pipe(Effect.mapError((error) => failure("SKILL_REFUSED", error.message)))
        const listing = yield* Schema.decodeUnknownEffect(Listing)(listed).pipe(
          Effect.mapError(() => failure("UNEXPECTED_SKILL_RESULT", "repo.list returned an unexpected shape"))
        )
        return {
          directory,
          files: listing.files.length,
          bytes: listing.files.reduce((total, file) => total + file.bytes, 0),
          truncated: listing.truncated
        }
      })
  })
