import type { TestReporter } from "./testSummary.js"

/** The machine-readable report formats the test-runner reads. */
export type TestReportFormat = "jest-json" | "tap" | "junit-xml"

/** How to have a known test runner write a machine-readable report, beside its usual output. */
export interface TestReportPlan {
  readonly reporter: TestReporter
  readonly format: TestReportFormat
  /** The report, relative to the command's working directory. */
  readonly file: string
  /** The shell command line that prepares the report's directory and runs the tests with the report on. */
  readonly command: string
}

/**
 * Where reports are written: a directory of the working tree that ignores itself (its own `.gitignore` of
 * `*`, as `.pytest_cache` does), so a test run leaves nothing for `git status` to show.
 */
export const reportDirectory = ".coderclaw-cache"

const reportFiles: Record<TestReportFormat, string> = {
  "jest-json": `${reportDirectory}/test-report.json`,
  tap: `${reportDirectory}/test-report.tap`,
  "junit-xml": `${reportDirectory}/test-report.xml`
}

// A command line with any of these is more than one simple command: it is run as given, never rewritten.
const shellSyntax = /[;&|<>()`$"'\\\n*?[\]{}~#]/

const shellQuote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)

const baseName = (word: string) => word.slice(word.lastIndexOf("/") + 1)

/** The words after package-runner prefixes (`npx`, `pnpm exec`, `yarn`) and leading `NAME=value` settings. */
const programWords = (words: ReadonlyArray<string>): ReadonlyArray<string> => {
  let rest = words
  while (rest[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0])) rest = rest.slice(1)
  const first = rest[0] === undefined ? "" : baseName(rest[0])
  if (first === "npx" || first === "yarn" || first === "bunx") return rest.slice(1)
  if (first === "pnpm" && rest[1] === "exec") return rest.slice(2)
  return rest
}

const hasOption = (words: ReadonlyArray<string>, option: string) =>
  words.some((word) => word === option || word.startsWith(`${option}=`))

/** The runner a command starts and the options that make it write its report to `file`, if known. */
const reportOptions = (
  words: ReadonlyArray<string>
):
  | {
      readonly reporter: TestReporter
      readonly format: TestReportFormat
      readonly options: (file: string) => ReadonlyArray<string>
    }
  | undefined => {
  const program = programWords(words)
  const name = program[0] === undefined ? "" : baseName(program[0])
  if (name === "vitest") {
    // The default reporter stays, for the streamed output; a reporter the caller chose replaces it.
    const console = hasOption(program, "--reporter") ? [] : ["--reporter=default"]
    return {
      reporter: "vitest",
      format: "jest-json",
      options: (file) => [...console, "--reporter=json", `--outputFile.json=${file}`]
    }
  }
  if (name === "jest") {
    if (hasOption(program, "--json") || hasOption(program, "--outputFile")) return undefined
    return { reporter: "jest", format: "jest-json", options: (file) => ["--json", `--outputFile=${file}`] }
  }
  if (/^node(\d+)?$/.test(name) && program.includes("--test")) {
    if (hasOption(program, "--test-reporter") || hasOption(program, "--test-reporter-destination")) return undefined
    // Reporter options apply in pairs: spec to the console, TAP to the file. They must precede the files.
    return {
      reporter: "node-test",
      format: "tap",
      options: (file) => [
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=tap",
        `--test-reporter-destination=${file}`
      ]
    }
  }
  const pytest =
    name === "pytest" || (/^python(\d(\.\d+)?)?$/.test(name) && program[1] === "-m" && program[2] === "pytest")
  if (pytest && !hasOption(program, "--junitxml") && !hasOption(program, "--junit-xml")) {
    return { reporter: "pytest", format: "junit-xml", options: (file) => [`--junitxml=${file}`] }
  }
  return undefined
}

/**
 * The plan for a command that runs vitest, jest, `node --test` or pytest directly (also through `npx`,
 * `pnpm exec`, `yarn`, or `python -m pytest`): the same command with the runner's machine-readable reporter
 * added (vitest and jest JSON, node:test TAP, pytest JUnit XML), writing to a file the test-runner reads
 * back. `undefined` for any other command (`npm test`, a pipeline, a script): its output summary is read.
 */
export const testReportPlan = (command: string | ReadonlyArray<string>): TestReportPlan | undefined => {
  if (typeof command === "string" && shellSyntax.test(command)) return undefined
  const words = typeof command === "string" ? command.trim().split(/\s+/) : command
  const known = reportOptions(words)
  if (known === undefined) return undefined
  const file = reportFiles[known.format]
  const options = known.options(file)
  const program = programWords(words)
  // node reads its own options before the script or test files: insert them right after `node`.
  const at = known.reporter === "node-test" ? words.length - program.length + 1 : words.length
  const run = [...words.slice(0, at), ...options, ...words.slice(at)].map(shellQuote).join(" ")
  return {
    reporter: known.reporter,
    format: known.format,
    file,
    command: `mkdir -p ${reportDirectory} && printf '*\\n' > ${reportDirectory}/.gitignore && rm -f ${file} && ${run}`
  }
}
