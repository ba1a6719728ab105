/** How serious a review finding is. */
export type Severity = "critical" | "high" | "medium" | "low" | "info"

/** A pattern that looks like a committed secret. */
interface SecretRule {
  readonly id: string
  readonly severity: Severity
  readonly message: string
  readonly pattern: RegExp
  /** The capture group holding the secret itself (masked in the preview); 0 for the whole match. */
  readonly group: number
  /** Whether an obvious placeholder (`${TOKEN}`, `<your key>`, `changeme`) is ignored. */
  readonly ignorePlaceholders: boolean
}

const rules: ReadonlyArray<SecretRule> = [
  {
    id: "private-key",
    severity: "critical",
    message: "a private key block is committed",
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
    group: 0,
    ignorePlaceholders: false
  },
  {
    id: "aws-access-key-id",
    severity: "critical",
    message: "an AWS access key id is committed",
    pattern: /\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16})\b/,
    group: 1,
    ignorePlaceholders: false
  },
  {
    id: "aws-secret-access-key",
    severity: "critical",
    message: "an AWS secret access key is committed",
    pattern: /aws_?secret_?access_?key\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b/i,
    group: 1,
    ignorePlaceholders: false
  },
  {
    id: "github-token",
    severity: "critical",
    message: "a GitHub token is committed",
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,})\b/,
    group: 1,
    ignorePlaceholders: false
  },
  {
    id: "slack-token",
    severity: "high",
    message: "a Slack token is committed",
    pattern: /\b(xox[baprs]-[A-Za-z0-9-]{10,})\b/,
    group: 1,
    ignorePlaceholders: false
  },
  {
    id: "generic-secret",
    severity: "high",
    message: "a secret-looking value is assigned in the source",
    pattern:
      /\b(?:api[_-]?key|apikey|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|private[_-]?key|password|passwd)["']?\s*[:=]\s*["']([^"'\s]{8,})["']/i,
    group: 1,
    ignorePlaceholders: true
  }
]

const placeholder = /^\$\{|^\{\{|^<|^%|changeme|placeholder|example|your[_-]|x{6,}|\*{4,}|dummy|redacted/i

/** `AKIA…(20 chars)`: enough to find the secret, not enough to use it. */
const mask = (secret: string) => `${secret.slice(0, 4)}…(${secret.length} chars)`

/** A secret found on a line, with the line masked. */
export interface SecretHit {
  readonly rule: string
  readonly severity: Severity
  readonly message: string
  readonly column: number
  readonly preview: string
}

/** The secrets a line seems to hold (at most one per rule); previews never contain the secret itself. */
export const findSecrets = (line: string): ReadonlyArray<SecretHit> =>
  rules.flatMap((rule) => {
    const match = rule.pattern.exec(line)
    if (match === null) return []
    const secret = match[rule.group] ?? match[0]
    if (rule.ignorePlaceholders && placeholder.test(secret)) return []
    const preview = line.split(secret).join(mask(secret)).trim().slice(0, 200)
    return [{ rule: rule.id, severity: rule.severity, message: rule.message, column: match.index + 1, preview }]
  })
