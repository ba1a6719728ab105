import { execFileSync } from "node:child_process"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterEach } from "vitest"

const created: Array<string> = []

afterEach(async () => {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true })
})

/** A fresh temporary directory, removed after the test. */
export const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "coderclaw-agents-"))
  created.push(dir)
  return dir
}

/** Writes `files` (path → content) under `root`, creating directories. */
export const writeFiles = async (root: string, files: Readonly<Record<string, string>>): Promise<void> => {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
}

/** Runs git in `dir` with a fixed identity and no signing, returning its stdout. */
export const git = (dir: string, ...args: ReadonlyArray<string>): string =>
  execFileSync(
    "git",
    ["-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" }, stdio: ["ignore", "pipe", "pipe"] }
  )

/**
 * A repository in a temporary directory with `files`; with `commit` (default true) they are committed as
 * one commit on `main`, with `git: false` it is a plain directory.
 */
export const makeRepository = async (
  files: Readonly<Record<string, string>>,
  options: { readonly git?: boolean; readonly commit?: boolean | string } = {}
): Promise<string> => {
  const root = await tempDir()
  await writeFiles(root, files)
  if (options.git === false) return root
  git(root, "init", "--quiet", "--initial-branch=main")
  if (options.commit !== false) {
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", typeof options.commit === "string" ? options.commit : "Initial commit")
  }
  return root
}
