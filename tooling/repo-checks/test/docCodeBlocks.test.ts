import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import ts from "typescript"
import { beforeAll, describe, expect, it } from "vitest"
import { runTracked } from "../../process-harness/index.js"
import { cleanUpAfterTests } from "./cleanUp.js"
import { blockName, type DocBlock, documentedBlocks, shellCommands } from "./docBlocks.js"
import { repoRoot, workspacePackages } from "./workspace.js"

// The code blocks of docs/*.md, README.md and the packages' READMEs are checked, so the docs cannot rot:
// - ```ts blocks are complete modules: they type-check against the built packages (strict, as the
//   repository's own code), and those exporting a `main` without required parameters run to the end.
//   (Blocks whose `main` takes arguments are run by their package's tests.)
// - ```ts fragment blocks are deliberately incomplete (the original API, a line out of a larger program):
//   they must parse.
// - ```sh blocks: every `coderclaw <command> [<subcommand>]` exists in the CLI's help, every
//   `npm install @coderclaw/<name>` names a published package, every `npm run <script>` is a root script.
// The blocks are written to a folder inside the repository (ignored by git), so the workspace packages
// resolve from it.

const run = runTracked
const blocks = documentedBlocks()
const typescriptBlocks = blocks.filter((block) => block.language === "ts" || block.language === "typescript")
const complete = typescriptBlocks.filter((block) => !block.flags.includes("fragment"))
const fragments = typescriptBlocks.filter((block) => block.flags.includes("fragment"))
const shellBlocks = blocks.filter((block) => ["sh", "bash", "shell"].includes(block.language))
const runnable = complete.filter((block) =>
  // `main()` or `main(log = console.log)`: nothing the test would have to invent.
  /export const main = async \(\s*(\)|\w+\s*=)/.test(block.code)
)

const workDir = join(repoRoot, "tooling", "repo-checks", "dist", "doc-blocks")
const where = (block: DocBlock, lineInBlock = 0) => `${block.file}:${block.line + lineInBlock}`

/** tsc's errors per block file name, as `docs/x.md:<line>: TSxxxx message`. */
let typeErrors: Map<string, Array<string>>

beforeAll(async () => {
  await rm(workDir, { recursive: true, force: true })
  await mkdir(workDir, { recursive: true })
  for (const block of complete) await writeFile(join(workDir, `${blockName(block)}.ts`), `${block.code}\n`)
  await writeFile(
    join(workDir, "tsconfig.json"),
    JSON.stringify({
      extends: "@coderclaw/tsconfig/tsconfig.base.json",
      compilerOptions: {
        composite: false,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        // Examples may leave a value unused to show it; everything else is as strict as our own code.
        noUnusedLocals: false,
        noUnusedParameters: false,
        rootDir: ".",
        outDir: "out",
        types: ["node"]
      },
      include: ["*.ts"]
    })
  )
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc")
  const output = await run(process.execPath, [tsc, "-p", join(workDir, "tsconfig.json"), "--pretty", "false"], {
    cwd: workDir
  }).then(
    ({ stdout }) => stdout,
    (error: { stdout: string }) => error.stdout
  )
  typeErrors = new Map()
  const byName = new Map(complete.map((block) => [`${blockName(block)}.ts`, block]))
  for (const line of output.split("\n")) {
    const match = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line)
    const block = match === null ? undefined : byName.get(match[1] ?? "")
    if (match === null || block === undefined) continue
    const errors = typeErrors.get(blockName(block)) ?? []
    errors.push(`${where(block, Number(match[2]))}: ${match[3]}`)
    typeErrors.set(blockName(block), errors)
  }
})

cleanUpAfterTests(() => workDir)

describe("TypeScript blocks of the docs", () => {
  it("are found (the extraction works)", () => {
    expect(complete.length).toBeGreaterThan(20)
    expect(runnable.length).toBeGreaterThan(5)
  })

  for (const block of complete) {
    it(`${where(block)} type-checks against the built packages`, () => {
      expect(typeErrors.get(blockName(block)) ?? []).toEqual([])
    })
  }

  for (const block of runnable) {
    it(`${where(block)} runs: its main() resolves`, async () => {
      const cwd = await mkdtemp(join(tmpdir(), "coderclaw-doc-block-"))
      try {
        const module = pathToFileURL(join(workDir, "out", `${blockName(block)}.js`)).href
        const { stdout } = await run(
          process.execPath,
          [
            "--input-type=module",
            "-e",
            `const { main } = await import(${JSON.stringify(module)}); await main(); console.log("main resolved")`
          ],
          // The block's files (databases, keys, ~/.coderclaw) land in a scratch directory.
          { cwd, env: { ...process.env, HOME: cwd, XDG_STATE_HOME: join(cwd, "state") } }
        )
        expect(stdout.trim().split("\n").at(-1)).toBe("main resolved")
      } finally {
        await rm(cwd, { recursive: true, force: true })
      }
    })
  }

  for (const block of fragments) {
    it(`${where(block)} (fragment) parses`, () => {
      const { diagnostics = [] } = ts.transpileModule(block.code, {
        reportDiagnostics: true,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
      })
      expect(diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))).toEqual([])
    })
  }
})

/** The CLI's commands, options taking a value, and each command's subcommands, read from `--help`. */
interface CliHelp {
  readonly commands: ReadonlySet<string>
  readonly valueOptions: ReadonlySet<string>
  readonly subcommands: ReadonlyMap<string, ReadonlySet<string>>
}

const helpSections = (help: string) => {
  const commands = new Set<string>()
  const valueOptions = new Set<string>()
  let section = ""
  for (const line of help.split("\n")) {
    if (/^\S.*:$/.test(line)) section = line
    const entry = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line)?.[1]
    if (entry === undefined) continue
    if (section === "Commands:") commands.add(entry.split(" ")[0] ?? "")
    if (section === "Options:" && entry.includes("<")) {
      for (const flag of entry.split(/[ ,]+/).filter((word) => word.startsWith("-"))) valueOptions.add(flag)
    }
  }
  return { commands, valueOptions }
}

let cli: CliHelp
const cliBin = join(repoRoot, "packages", "cli", "dist", "bin.js")

describe("shell blocks of the docs", () => {
  beforeAll(async () => {
    const top = helpSections((await run(process.execPath, [cliBin, "--help"], { cwd: repoRoot })).stdout)
    const subcommands = new Map<string, ReadonlySet<string>>()
    for (const command of top.commands) {
      const help = (await run(process.execPath, [cliBin, command, "--help"], { cwd: repoRoot })).stdout
      const own = helpSections(help).commands
      own.delete("help")
      if (own.size > 0) subcommands.set(command, own)
    }
    cli = { commands: top.commands, valueOptions: top.valueOptions, subcommands }
  })

  it("the CLI's help is read (commands and subcommands)", () => {
    expect(cli.commands).toContain("serve")
    expect(cli.subcommands.get("users")).toContain("add")
  })

  const published = new Set(workspacePackages().flatMap((pkg) => (pkg.private ? [] : [pkg.name])))

  for (const block of shellBlocks) {
    it(`${where(block)} uses only commands, packages and scripts that exist`, async () => {
      const scripts = Object.keys(JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")).scripts)
      const problems: Array<string> = []
      for (const words of shellCommands(block.code)) {
        const [program, ...args] = words
        if (program === "coderclaw") {
          const positional: Array<string> = []
          for (let index = 0; index < args.length; index++) {
            const word = args[index] ?? ""
            if (word.startsWith("-")) {
              if (cli.valueOptions.has(word)) index++
            } else positional.push(word)
          }
          const [command, subcommand] = positional
          if (command === undefined) continue
          if (!cli.commands.has(command)) problems.push(`coderclaw ${command}: no such command`)
          const known = cli.subcommands.get(command)
          if (known !== undefined && subcommand !== undefined && !known.has(subcommand)) {
            problems.push(`coderclaw ${command} ${subcommand}: no such subcommand`)
          }
        }
        if ((program === "npm" || program === "pnpm") && ["install", "i", "add"].includes(args[0] ?? "")) {
          for (const name of args.filter((word) => word.startsWith("@coderclaw/"))) {
            const bare = name.replace(/(.)@.*$/, "$1")
            if (!published.has(bare)) problems.push(`${name}: not a published package of this repository`)
          }
        }
        if (program === "npm" && args[0] === "run" && args[1] !== undefined && !scripts.includes(args[1])) {
          problems.push(`npm run ${args[1]}: no such script in package.json`)
        }
      }
      expect(problems).toEqual([])
    })
  }
})
