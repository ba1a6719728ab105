import { Schema } from "effect"

/**
 * Why a repository skill (`fs.read`, `repo.list`, `text.search`, `git.status`, `git.log`) refused or failed:
 *
 * - `InvalidInput`: the input does not match the skill's schema (`detail` names every bad field);
 * - `UnknownRepository`: the call's scope names a repository the skill was not configured with;
 * - `OutsideRepository`: a path is absolute, contains `..`, or resolves (through a symlink) outside the root;
 * - `OutsideScope`: a path is outside the paths the call was authorised for (`scope.paths`);
 * - `Hidden`: a path is git's own directory (`.git`) or one of the server's files, or lies inside one;
 * - `Protected`: the authorizer refuses the path (a protected path), as named or where a symlink leads;
 * - `NotFound`, `NotAFile`, `NotADirectory`, `TooLarge`, `Binary`, `Unreadable`: what was found at a path;
 * - `InvalidPattern`, `SearchTimedOut`: a search pattern that does not compile, or that ran too long;
 * - `NotAGitRepository`, `GitUnavailable`, `GitFailed`: the root is no git repository root, `git` is missing,
 *   or it exited with an error.
 */
export class RepositoryError extends Schema.TaggedError<RepositoryError>()("RepositoryError", {
  reason: Schema.Literals([
    "InvalidInput",
    "UnknownRepository",
    "OutsideRepository",
    "OutsideScope",
    "Hidden",
    "Protected",
    "NotFound",
    "NotAFile",
    "NotADirectory",
    "TooLarge",
    "Binary",
    "Unreadable",
    "InvalidPattern",
    "SearchTimedOut",
    "NotAGitRepository",
    "GitUnavailable",
    "GitFailed"
  ]),
  /** The repository-relative path concerned, when there is one. */
  path: Schema.optionalKey(Schema.String),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}${this.path === undefined ? "" : ` (${this.path})`}: ${this.detail}`
  }
}
