/** What every built-in agent is created with. */
export interface AgentOptions {
  /**
   * The repository name the agent puts in the scope of its skill calls, so policies decide on it and the
   * skills act on that repository. Default: none, and the skills use their own root.
   */
  readonly repository?: string
}
