import type { AgentDefinition, SkillDefinition } from "@coderclaw/runtime"
import { codeSearch } from "./agents/codeSearch.js"
import { confirm } from "./agents/confirm.js"
import { gitChanges } from "./agents/gitChanges.js"
import { llmAgent } from "./agents/llmAgent.js"
import { repoScanner } from "./agents/repoScanner.js"
import { reviewer } from "./agents/reviewer.js"
import { testRunner } from "./agents/testRunner.js"
import { type LlmOptions, llmOptionsFromEnv } from "./LlmOptions.js"
import { roleAgentIds, roleAliases } from "./patternRoles.js"
import { type RepositoryOptions, repositoryNameOf } from "./RepositoryOptions.js"
import { type FsReadOptions, fsRead } from "./skills/fsRead.js"
import { gitLog } from "./skills/gitLog.js"
import { gitStatus } from "./skills/gitStatus.js"
import { llmChat } from "./skills/llmChat.js"
import { type RepoListOptions, repoList } from "./skills/repoList.js"
import { type ShellRunOptions, shellRun } from "./skills/shellRun.js"
import { type TextSearchOptions, textSearch } from "./skills/textSearch.js"

type Limits<T> = Omit<T, keyof RepositoryOptions>

/** Options of `builtinSkills` and `builtinAgents`: the repository, the LLM endpoint if any, and limits. */
export interface BuiltinOptions extends RepositoryOptions {
  /**
   * The LLM endpoint. Omitted: read from the environment (`llmOptionsFromEnv`); `false`: off whatever the
   * environment says. Without an endpoint, `llm.chat` and the `llm` agent are left out.
   */
  readonly llm?: LlmOptions | false
  /** Where an omitted `llm` is read from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Also register the agents under the role ids of the orchestrator's patterns (`architect`, `tester`, …). */
  readonly roleAliases?: boolean
  readonly fsRead?: Limits<FsReadOptions>
  readonly repoList?: Limits<RepoListOptions>
  readonly textSearch?: Limits<TextSearchOptions>
  readonly shellRun?: Limits<ShellRunOptions>
}

/** The LLM endpoint the options configure, if any. */
export const configuredLlm = (options: Pick<BuiltinOptions, "llm" | "env">): LlmOptions | undefined =>
  options.llm === false ? undefined : (options.llm ?? llmOptionsFromEnv(options.env ?? process.env))

const repositoryOf = (options: BuiltinOptions): RepositoryOptions => ({
  root: options.root,
  ...(options.repository === undefined ? {} : { repository: options.repository }),
  ...(options.repositories === undefined ? {} : { repositories: options.repositories }),
  ...(options.hidden === undefined ? {} : { hidden: options.hidden })
})

/**
 * Every built-in skill for one repository: `fs.read`, `repo.list`, `text.search`, `git.status`, `git.log`,
 * `shell.run` (dangerous), and `llm.chat` when an LLM endpoint is configured. Register them in the
 * runtime's `skills`.
 */
export const builtinSkills = (options: BuiltinOptions): ReadonlyArray<SkillDefinition> => {
  const repository = repositoryOf(options)
  const llm = configuredLlm(options)
  return [
    fsRead({ ...options.fsRead, ...repository }),
    repoList({ ...options.repoList, ...repository }),
    textSearch({ ...options.textSearch, ...repository }),
    gitStatus(repository),
    gitLog(repository),
    shellRun({ ...options.shellRun, ...repository }),
    ...(llm === undefined ? [] : [llmChat(llm)])
  ]
}

/**
 * Every built-in agent for one repository: `repo-scanner`, `test-runner`, `reviewer`, `git-changes`,
 * `code-search`, `confirm`, and `llm` when an LLM endpoint is configured; with `roleAliases`, also under the role ids
 * of the orchestrator's patterns. Their skill calls name the repository (`repository`, default the base
 * name of `root`) in their scope. Register them in the runtime's `agents`, with `builtinSkills(options)`.
 */
export const builtinAgents = (options: BuiltinOptions): ReadonlyArray<AgentDefinition> => {
  const scope = { repository: repositoryNameOf(options) }
  const llm = configuredLlm(options)
  const agents = [
    repoScanner(scope),
    testRunner(scope),
    reviewer(scope),
    gitChanges(scope),
    codeSearch(scope),
    confirm(),
    ...(llm === undefined ? [] : [llmAgent({ llm })])
  ]
  return options.roleAliases === true
    ? [...agents, ...roleAliases(agents, roleAgentIds({ llm: llm !== undefined }))]
    : agents
}
