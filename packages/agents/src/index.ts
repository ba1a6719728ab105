/**
 * `@coderclaw/agents`: built-in agents and skills for the coderClaw runtime that do real, checkable work
 * offline — read, list and search a repository, git status and log, run a command (dangerous: approved
 * first, confined to the repository by a bubblewrap sandbox, killed with it on cancel), scan, test and review a repository — and an
 * OpenAI-compatible chat agent that is off unless configured.
 *
 * @packageDocumentation
 */

// Registering everything at once: the built-in skills and agents for one repository.

/** What every built-in agent is created with: the repository name its skill calls name in their scope. */
export type { AgentOptions } from "./AgentOptions.js"
/** `builtinSkills(options)`, `builtinAgents(options)`, their options, and the LLM endpoint they end up with. */
export { type BuiltinOptions, builtinAgents, builtinSkills, configuredLlm } from "./builtins.js"
/** Which repository the repository skills act on (`root`, `repository`, `repositories`). */
export { type RepositoryOptions, repositoryNameOf } from "./RepositoryOptions.js"

// Agents.

/** `code-search`: where the code mentions a text, a pattern, or the identifiers a workflow step names. */
export { codeSearch, codeSearchId, codeTermsOf } from "./agents/codeSearch.js"
/** `confirm`: asks its caller a yes/no question and completes with the decision. */
export { type Confirmation, confirm, confirmId } from "./agents/confirm.js"
/** `git-changes`: the working tree's status and the newest commits. */
export { gitChanges, gitChangesId } from "./agents/gitChanges.js"
/** `llm`: a chat agent over `llm.chat`; registered by `builtinAgents` only with an endpoint. */
export { llmAgent, llmAgentId } from "./agents/llmAgent.js"
/** `repo-scanner`: languages, lines and TODO/FIXME comments of the repository. */
export { repoScanner, repoScannerId, type TodoItem } from "./agents/repoScanner.js"
/** `reviewer`: committed secrets, large files, untested sources, failed test runs of earlier steps. */
export { type Finding, reviewer, reviewerId } from "./agents/reviewer.js"
/** `test-runner`: runs the repository's tests (after approval) and reports pass/fail counts. */
export { type TestRun, testRunner, testRunnerId } from "./agents/testRunner.js"

// Skills.

export type { Severity } from "./internal/findSecrets.js"
/** Types of the skills' results. */
export type { BranchState, FileState, StatusEntry } from "./internal/parseGitStatus.js"
export type { SearchMatch } from "./internal/searchWorker.js"
export type { TestCounts, TestReporter } from "./internal/testSummary.js"
/** Whether bubblewrap can confine `shell.run`'s commands on this machine (asked once per program). */
export { defaultBwrap, probeSandbox, type SandboxProbe } from "./probeSandbox.js"
/** `fs.read`: text files of the repository, one or a batch. */
export {
  type FsReadFile,
  type FsReadOptions,
  type FsReadRefusal,
  fsRead,
  fsReadId,
  fsReadMaxBatch
} from "./skills/fsRead.js"
/** `git.log`: the newest commits. */
export { type Commit, gitLog, gitLogId } from "./skills/gitLog.js"
/** `git.status`: branch, upstream and every changed file. */
export { gitStatus, gitStatusId } from "./skills/gitStatus.js"
/** `llm.chat`: one request to an OpenAI-compatible chat endpoint. */
export { type LlmChatResult, llmChat, llmChatId } from "./skills/llmChat.js"
/** `repo.list`: the repository's files as git sees them. */
export { type RepoListOptions, repoList, repoListId } from "./skills/repoList.js"
/** `shell.run` (dangerous): a command in a sandbox of the repository, everything it started killed on timeout or cancel. */
export {
  defaultEnvAllowList,
  type ShellRunOptions,
  type ShellRunResult,
  shellRun,
  shellRunId,
  shellRunMaxInputChars
} from "./skills/shellRun.js"
/** `text.search`: a literal or a regular expression across the repository, with a time limit. */
export { type TextSearchOptions, textSearch, textSearchId } from "./skills/textSearch.js"

// The LLM endpoint.

/** An OpenAI-compatible endpoint, and reading one from `CODERCLAW_LLM_*` environment variables. */
export { type LlmOptions, llmEnvVariables, llmOptionsFromEnv } from "./LlmOptions.js"

// Errors: one typed error per domain, each with a `reason`.

/** Why `shell.run` could not run a command. */
export { CommandError } from "./CommandError.js"
/** Why `llm.chat` failed. */
export { LlmError } from "./LlmError.js"
/** Why a repository skill refused or failed. */
export { RepositoryError } from "./RepositoryError.js"

// The orchestrator's patterns.

/** Role → agent id for the orchestrator's patterns, and registering the agents under role ids. */
export { llmRoleAgents, offlineRoleAgents, roleAgentIds, roleAliases } from "./patternRoles.js"
