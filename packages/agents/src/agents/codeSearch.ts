import type { JsonValue } from "@coderclaw/protocol"
import { type AgentDefinition, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import type { AgentOptions } from "../AgentOptions.js"
import { agentInputDecoder, relativeInput, scopeOf, skillResultDecoder, useSkill } from "../internal/agentSupport.js"
import { RelativePath } from "../internal/paths.js"
import { textSearchId } from "../skills/textSearch.js"

/** The id of the code-search agent. */
export const codeSearchId = "code-search"

const Query = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(1_000)))

/** `{ query, regex?, caseSensitive?, path?, maxResults? }`, or just the query as a string. */
const CodeSearchInput = Schema.Struct({
  query: Schema.optionalKey(Query),
  regex: Schema.optionalKey(Schema.Boolean),
  caseSensitive: Schema.optionalKey(Schema.Boolean),
  path: Schema.optionalKey(RelativePath),
  maxResults: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 1_000 }))))
})

const SearchResult = Schema.Struct({
  matches: Schema.Array(Schema.Json),
  truncated: Schema.Boolean,
  // What the search left out (protected, hidden, symlinks), so the agent's caller knows the answer is partial.
  skipped: Schema.optionalKey(Schema.Array(Schema.Json))
})

/** Most terms taken from a workflow step's text. */
const maxTerms = 5

/**
 * The code identifiers a piece of prose mentions: `quoted` ones first, then camelCase, snake_case,
 * dotted (`config.load`) names and file names (`parser.ts`). Plain words are left out: searching for
 * "the" finds everything and explains nothing.
 */
export const codeTermsOf = (text: string): ReadonlyArray<string> => {
  const terms: Array<string> = []
  const add = (term: string) => {
    const cleaned = term.replace(/\(\)$/, "").replace(/[.,;:]+$/, "")
    if (cleaned.length >= 3 && !terms.includes(cleaned)) terms.push(cleaned)
  }
  for (const match of text.matchAll(/`([^`\n]{3,100})`/g)) add(match[1] ?? "")
  for (const match of text.matchAll(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(\))?/g)) {
    const word = match[0]
    if (/[a-z][A-Z]/.test(word) || /[a-z0-9]_[a-z0-9]/i.test(word) || /\.[A-Za-z]/.test(word) || word.endsWith("()")) {
      add(word)
    }
  }
  return terms.slice(0, maxTerms)
}

/** The prose of a workflow step's input: its string fields (`bug`, `feature`, `subject`, …). */
const proseOf = (input: JsonValue): string =>
  typeof input === "string"
    ? input
    : typeof input === "object" && input !== null && !Array.isArray(input)
      ? Object.values(input)
          .filter((value): value is string => typeof value === "string")
          .join("\n")
      : ""

/**
 * `code-search`: finds where the code mentions something, through `text.search`. Given a `query` (or a
 * string), it searches for it; as a workflow step (e.g. the `analyst` of a bugfix), it searches for the code
 * identifiers the step's text mentions (`parseConfig`, `config.load`, `` `retry` ``). Result:
 * `{ kind: "search", searches: [{ query, matches: [{ path, line, column, preview }], truncated, skipped }] }`
 * (`skipped`: what `text.search` left out — protected and hidden paths, symlinks).
 */
export const codeSearch = (options: AgentOptions = {}): AgentDefinition => {
  const decode = agentInputDecoder(CodeSearchInput, codeSearchId)
  const decodeResult = skillResultDecoder(SearchResult, textSearchId)
  return defineAgent({
    id: codeSearchId,
    name: "Code search",
    description:
      "Finds where the repository mentions a text, a regular expression, or (in a workflow) the code identifiers named in the step's description.",
    capabilities: ["search", "analysis", "repository"],
    input: { schema: Schema.Union([Query, CodeSearchInput]), example: { query: "TODO", path: ".", maxResults: 20 } },
    skills: [textSearchId],
    run: (input, ctx) =>
      Effect.gen(function* () {
        const { request, step } = yield* decode(typeof input === "string" ? { query: input } : input)
        const queries =
          request.query !== undefined ? [request.query] : step === undefined ? [] : codeTermsOf(proseOf(step.input))
        if (queries.length === 0) {
          return {
            kind: "search",
            searches: [],
            note:
              step === undefined
                ? "no query given"
                : "the step's text names no code identifier to search for (quote one in backticks)"
          }
        }
        const path = yield* relativeInput(request.path, "path")
        const searches: Array<JsonValue> = []
        for (const [index, query] of queries.entries()) {
          const found = yield* decodeResult(
            yield* useSkill(
              ctx,
              textSearchId,
              {
                query,
                ...(request.query !== undefined && request.regex !== undefined ? { regex: request.regex } : {}),
                ...(request.caseSensitive === undefined ? {} : { caseSensitive: request.caseSensitive }),
                path,
                maxResults: request.maxResults ?? 50
              },
              scopeOf(options, [path])
            )
          )
          searches.push({ query, matches: found.matches, truncated: found.truncated, skipped: found.skipped ?? [] })
          yield* ctx.progress((100 * (index + 1)) / queries.length, `searched ${query}`)
        }
        return { kind: "search", searches }
      })
  })
}
