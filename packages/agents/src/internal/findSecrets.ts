import { extname } from "node:path"
import { lintSource } from "@secretlint/core"
import { secretLintProfiler } from "@secretlint/profiler"
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend"
import type { SecretLintCoreConfig, SecretLintCoreResultMessage } from "@secretlint/types"
import { Effect } from "effect"

/** How serious a review finding is. */
export type Severity = "critical" | "high" | "medium" | "low" | "info"

/** A secret found in a file, masked. */
export interface SecretHit {
  /** `secretlint/<rule>`, e.g. `secretlint/aws`, `secretlint/privatekey`. */
  readonly rule: string
  readonly severity: Severity
  readonly message: string
  readonly line: number
  /** The line, with the secret masked: enough to find it, not enough to use it. */
  readonly preview: string
  /** Where the rule explains what it found and how to fix it. */
  readonly docsUrl?: string
}

/**
 * secretlint's recommended rules (AWS, GCP, GitHub, npm, Slack, SendGrid, Shopify, OpenAI, Anthropic,
 * Linear, 1Password, private keys, basic auth and database URLs with passwords), which also honour
 * `secretlint-disable` comments in the file (its `filter-comments` rule).
 */
const config: SecretLintCoreConfig = { rules: [{ id: recommended.meta.id, rule: recommended }] }

const rulePrefix = "@secretlint/secretlint-rule-"

/** Credentials in URLs are often a local development database: serious, but not a leaked cloud key. */
const highRules = new Set(["basicauth", "database-connection-string"])

const pemHeader = /^-----BEGIN [A-Z0-9 ]+-----\s*$/

/** `AKIA…(20 chars)`. */
const mask = (secret: string) => `${secret.slice(0, 4)}…(${secret.length} chars)`

const hitOf = (lines: ReadonlyArray<string>, message: SecretLintCoreResultMessage): SecretHit => {
  const rule = message.ruleId.startsWith(rulePrefix) ? message.ruleId.slice(rulePrefix.length) : message.ruleId
  const { start, end } = message.loc
  const line = lines[start.line - 1] ?? ""
  // The rule's data names the secret itself; some rules' ranges start at the key name, not at the secret.
  const named = Object.values(message.data ?? {}).filter(
    (value): value is string => typeof value === "string" && value.length >= 8 && line.includes(value)
  )
  // Otherwise the range is masked; a match running past its first line (a key block) to the end of that line,
  // unless that line is only the block's `-----BEGIN … KEY-----` header, which holds nothing secret.
  const stop = end.line === start.line ? end.column : line.length
  const onLine = line.slice(start.column, stop)
  const masked =
    named.length > 0
      ? named.reduce((text, secret) => text.split(secret).join(mask(secret)), line)
      : end.line > start.line && pemHeader.test(onLine)
        ? line
        : `${line.slice(0, start.column)}${mask(onLine)}${line.slice(stop)}`
  const preview = masked.trim().slice(0, 200)
  return {
    rule: `secretlint/${rule}`,
    severity: message.severity !== "error" ? "medium" : highRules.has(rule) ? "high" : "critical",
    // secretlint's own message quotes the secret: only its id is kept.
    message: `a secret is committed (${message.messageId})`,
    line: start.line,
    preview,
    ...(message.docsUrl === undefined ? {} : { docsUrl: message.docsUrl })
  }
}

/**
 * secretlint 11 profiles every lint whether or not anyone reads the profile: a `performance.mark` per rule and
 * file, kept forever in the profiler and in the process's performance timeline, with a scan of all earlier
 * marks at each one (secretlint issues #1633, #1653). In a server that reviews repositories for weeks, that
 * is a leak that also makes each review slower than the last. Upstream made profiling opt-in in 13.x, which
 * needs Node 22; until then the marks are switched off here, before the first lint. The test
 * `findSecrets.test.ts` fails if an upgrade stops this from taking effect.
 */
let profilerSilenced = false
const silenceProfiler = () => {
  if (profilerSilenced) return
  secretLintProfiler.mark = () => undefined
  profilerSilenced = true
}

/**
 * The secrets a file holds, by secretlint's recommended rule set, run in-process on the file's text;
 * previews never contain the secret itself. A file secretlint cannot scan is reported as an `info` hit.
 */
export const findSecrets = (path: string, content: string): Effect.Effect<ReadonlyArray<SecretHit>> =>
  Effect.tryPromise(() => {
    silenceProfiler()
    return lintSource({
      source: { filePath: path, content, ext: extname(path), contentType: "text" },
      options: { config, noPhysicFilePath: true }
    })
  }).pipe(
    Effect.map((result) => {
      const lines = content.split("\n")
      return result.messages.map((message) => hitOf(lines, message))
    }),
    Effect.catch((error) =>
      Effect.succeed([
        {
          rule: "secretlint/error",
          severity: "info" as const,
          message: `the file could not be scanned for secrets: ${String(error.cause ?? error).slice(0, 300)}`,
          line: 1,
          preview: ""
        }
      ])
    )
  )
