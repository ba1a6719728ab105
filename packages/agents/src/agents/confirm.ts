import type { JsonValue } from "@coderclaw/protocol"
import { type AgentDefinition, AgentFailure, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { agentInputDecoder } from "../internal/agentSupport.js"

/** The id of the confirm agent. */
export const confirmId = "confirm"

const Question = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(1_000)))

/** `{ question? }`, or just the question as a string. */
const ConfirmInput = Schema.Struct({ question: Schema.optionalKey(Question) })

/** What `confirm` returns. */
export type Confirmation = {
  readonly kind: "confirmation"
  readonly question: string
  readonly confirmed: boolean
  /** The answer as given. */
  readonly answer: JsonValue
}

const defaultQuestion = "Proceed?"

/** How many times the question is asked before an answer that is neither yes nor no fails the task. */
const maxAsks = 3

/** What the caller is shown as the expected answer; the agent itself also accepts any letter case. */
const answerSchema: JsonValue = {
  oneOf: [{ type: "boolean" }, { type: "string", enum: ["yes", "no", "y", "n"] }]
}

const yes = new Set(["yes", "y", "true"])
const no = new Set(["no", "n", "false"])

/** `true`/`yes`/`y` → true, `false`/`no`/`n` → false (any letter case, spaces trimmed), else undefined. */
const decisionOf = (answer: JsonValue): boolean | undefined => {
  if (typeof answer === "boolean") return answer
  if (typeof answer !== "string") return undefined
  const word = answer.trim().toLowerCase()
  return yes.has(word) ? true : no.has(word) ? false : undefined
}

const refusedSoFar = (checkpoint: JsonValue | undefined): number => {
  const refused =
    typeof checkpoint === "object" && checkpoint !== null && "refused" in checkpoint ? checkpoint.refused : undefined
  return typeof refused === "number" ? refused : 0
}

/**
 * `confirm`: asks its caller a yes/no question (the task waits for input, `waitingFor: "input"`), and
 * completes with the decision: `{ kind: "confirmation", question, confirmed, answer }`. It accepts `true`,
 * `false`, `yes`, `no`, `y`, `n` in any letter case; any other answer asks again, and after three such
 * answers the task fails with `INVALID_ANSWER`. The smallest agent that shows the input round trip, and a
 * gate a workflow can put before a step a person must agree to.
 */
export const confirm = (): AgentDefinition => {
  const decode = agentInputDecoder(ConfirmInput, confirmId)
  return defineAgent({
    id: confirmId,
    name: "Confirm",
    description: "Asks its caller a yes/no question, waits for the answer, and completes with the decision.",
    capabilities: ["ask", "input"],
    input: { schema: Schema.Union([Question, ConfirmInput]), example: { question: "Deploy the release to staging?" } },
    run: (input, ctx) =>
      Effect.gen(function* () {
        const { request } = yield* decode(typeof input === "string" ? { question: input } : input)
        const question = request.question ?? defaultQuestion
        // A runtime that passivates waiting tasks runs the agent again from the start after each answer: the
        // answers already refused are counted in the checkpoint, so the third one still ends the task.
        let refused = refusedSoFar(ctx.checkpoint)
        while (refused < maxAsks) {
          const prompt = refused === 0 ? `${question} (yes/no)` : `Please answer yes or no. ${question}`
          const answer = yield* ctx.askInput(prompt, answerSchema)
          const confirmed = decisionOf(answer)
          if (confirmed !== undefined) {
            const result: Confirmation = { kind: "confirmation", question, confirmed, answer }
            return result
          }
          refused++
          yield* ctx.log("warn", `not a yes or no: ${JSON.stringify(answer).slice(0, 200)}`)
          yield* ctx.saveCheckpoint({ refused })
        }
        return yield* new AgentFailure({
          code: "INVALID_ANSWER",
          message: `no yes or no answer after ${maxAsks} questions`,
          retryable: false
        })
      })
  })
}
