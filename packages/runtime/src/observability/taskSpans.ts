import { Effect, Option, type Tracer } from "effect"

/**
 * The names of the spans the supervisor opens, one per seam of a task's life. Each is a child of the one
 * before it: a `submit` (itself a child of the caller's span, e.g. a WebSocket request carrying a
 * `traceparent`) → `dispatch` → `attempt` → `skill` → `journal.append`.
 */
export const spanNames = {
  submit: "coderclaw.submit",
  dispatch: "coderclaw.dispatch",
  attempt: "coderclaw.attempt",
  skill: "coderclaw.skill",
  journalAppend: "coderclaw.journal.append"
} as const

// The span a task was submitted under, by live task: the task's later work (dispatch, attempts) continues
// that trace even when a slot frees up in some other task's fiber. Weak, so a dropped task takes it along.
const submitSpans = new WeakMap<object, Tracer.AnySpan>()

/** Remembers the current span (the submit's) as the parent of `task`'s later spans. */
export const rememberSubmitSpan = (task: object): Effect.Effect<void> =>
  Effect.map(Effect.option(Effect.currentSpan), (span) => {
    if (Option.isSome(span)) submitSpans.set(task, span.value)
  })

/**
 * Runs `effect` in a span named `name` whose parent is the span `task` was submitted under (a recovered
 * task has none: its spans start a new trace).
 */
export const withTaskSpan =
  (name: string, task: object, attributes: Record<string, unknown>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    const parent = submitSpans.get(task)
    return Effect.withSpan(effect, name, {
      attributes,
      ...(parent === undefined ? {} : { parent })
    })
  }
