/** How to run the demo. Only `repository` is required. */
export interface DemoOptions {
  /** The repository the built-in agents work on (this repository when run by `npm start`). */
  readonly repository: string
  /**
   * The repository-relative directory the scanner and reviewer look at. Default `packages`: the mesh's
   * libraries.
   */
  readonly scanPath?: string
  /**
   * Start the loopback inspector bridge and send every task statechart's inspection events to it (see
   * `startInspectorBridge`).
   */
  readonly inspect?: boolean
  /** With `inspect`: keep the server and the bridge up after the narrative until this promise resolves (e.g. on Ctrl-C). */
  readonly keepOpenUntil?: Promise<void>
  /** Where the narrative is written. Default `process.stdout.write`. */
  readonly write?: (text: string) => void
  /**
   * Live progress bars (redrawn in place under the narrative) instead of plain progress lines. Default: whether stdout is a
   * terminal.
   */
  readonly interactive?: boolean
}
