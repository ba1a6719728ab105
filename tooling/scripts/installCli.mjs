// `npm run install-cli [-- --prefix <dir>]`: installs the `coderclaw` command from this repository, before
// anything is on the npm registry. It builds the CLI, packs it and the workspace packages it depends on,
// installs those tarballs (and their registry dependencies) with plain npm into <prefix>/lib/coderclaw, and
// links <prefix>/bin/coderclaw to it: the layout of `npm install --global`, with the same default prefix.
// A global install of the CLI tarball alone cannot work: npm would look its @coderclaw/* dependencies up
// on the registry. Here they sit next to it in one project, so npm resolves them from the tarballs.
// Plain Node, no dependencies.
import { spawnSync } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, delimiter, join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { packPackages, workspaceClosure } from "./packWorkspace.mjs"
import { build, install, repoRoot, runOrExit, step } from "./workspace.mjs"

const usage = `Usage: npm run install-cli [-- --prefix <dir>]

Installs the coderclaw command built from this repository into <dir>/bin (default: npm's global prefix,
as \`npm prefix --global\` prints). Its packages go to <dir>/lib/coderclaw; running it again replaces them.`

let values
try {
  ;({ values } = parseArgs({ options: { prefix: { type: "string" }, help: { type: "boolean" } } }))
} catch (error) {
  console.error(`${error.message}\n\n${usage}`)
  process.exit(2)
}
if (values.help) {
  console.log(usage)
  process.exit(0)
}

const npmGlobalPrefix = () => {
  const result = spawnSync("npm", ["prefix", "--global"], { encoding: "utf8", shell: process.platform === "win32" })
  if (result.status !== 0) throw new Error(`npm prefix --global failed: ${result.stderr}`)
  return result.stdout.trim()
}

const prefix = resolve(values.prefix ?? npmGlobalPrefix())
const home = join(prefix, "lib", "coderclaw")
const binDir = join(prefix, "bin")

if (!existsSync(join(repoRoot, "node_modules", ".pnpm"))) install()
build("@coderclaw/cli")

step(`Packing @coderclaw/cli and the workspace packages it depends on`)
const packDir = mkdtempSync(join(tmpdir(), "coderclaw-install-"))
const tarballs = packPackages(packDir, workspaceClosure("@coderclaw/cli"))

step(`Installing into ${home}`)
rmSync(home, { recursive: true, force: true })
mkdirSync(join(home, "tarballs"), { recursive: true })
const dependencies = {}
for (const [name, tarball] of tarballs) {
  copyFileSync(tarball, join(home, "tarballs", basename(tarball)))
  dependencies[name] = `file:tarballs/${basename(tarball)}`
}
rmSync(packDir, { recursive: true, force: true })
writeFileSync(
  join(home, "package.json"),
  `${JSON.stringify({ name: "coderclaw-cli-installation", private: true, dependencies }, null, 2)}\n`
)
runOrExit("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: home })

// A relative link, like npm's own global bins, so the prefix can be moved as a whole.
mkdirSync(binDir, { recursive: true })
const link = join(binDir, "coderclaw")
rmSync(link, { force: true })
symlinkSync(join("..", "lib", "coderclaw", "node_modules", ".bin", "coderclaw"), link)
runOrExit(link, ["--version"])
console.log(
  `\n✔ coderclaw installed: ${link}${process.env.PATH?.split(delimiter).includes(binDir) ? "" : ` (add ${binDir} to PATH)`}`
)
