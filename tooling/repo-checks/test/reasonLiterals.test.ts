import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot, workspacePackages } from "./workspace.js"

// One spelling for the `reason` of tagged errors: PascalCase literals (`"NotFound"`), as Effect's own errors
// have. The protocol's errors are the exception: their reasons are wire data (`Unauthenticated.reason`
// is `invalid_credentials` on the wire), so they keep the protocol's snake_case.

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  (existsSync(dir) ? readdirSync(dir) : []).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : []
  })

// `reason: Schema.Literals([...])`, or `const XReason = Schema.Literals([...])`.
const reasonLiterals = /(?:reason:\s*|Reason\s*=\s*)Schema\.Literals?\(\s*\[?([^\])]*)/g

const literalsOf = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(reasonLiterals)].flatMap((match) =>
    [...(match[1] ?? "").matchAll(/"([^"]*)"/g)].map((literal) => literal[1] ?? "")
  )

const isPascalCase = (literal: string) => /^[A-Z][A-Za-z0-9]*$/.test(literal)
const isSnakeCase = (literal: string) => /^[a-z][a-z0-9_]*$/.test(literal)

describe("reason literals", () => {
  const found = workspacePackages().flatMap((pkg) =>
    sourceFiles(join(pkg.dir, "src")).flatMap((file) =>
      literalsOf(readFileSync(file, "utf8")).map((literal) => ({
        pkg: pkg.name,
        file: relative(repoRoot, file),
        literal
      }))
    )
  )

  it("finds the reasons it checks", () => {
    expect(found.length).toBeGreaterThan(100)
  })

  it("are PascalCase outside the protocol, snake_case (wire data) inside it", () => {
    const wrong = found.filter(({ pkg, literal }) =>
      pkg === "@coderclaw/protocol" ? !isSnakeCase(literal) : !isPascalCase(literal)
    )
    expect(wrong.map(({ file, literal }) => `${file}: "${literal}"`)).toEqual([])
  })
})
