import ignore from "ignore"

/**
 * The repository's ignore file for secret scanning: secretlint's own `.secretlintignore` at the repository
 * root, in `.gitignore` syntax, so the same file serves the `secretlint` command line and the reviewer.
 */
export const secretIgnoreFile = ".secretlintignore"

/** Whether a repository-relative path is excluded from secret scanning by the ignore file's text. */
export const secretIgnoreMatcher = (text: string): ((path: string) => boolean) => {
  const matcher = ignore().add(text)
  return (path) => matcher.ignores(path)
}
