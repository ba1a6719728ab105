/**
 * Size limits enforced by the schemas. They keep one caller from storing unbounded data in the journal
 * through a single field; transports add their own frame-size limits on top.
 */
export const Limits = {
  /** Longest task description, in UTF-16 code units. */
  descriptionMaxLength: 10_000,
  /** Longest identifier (agent, skill, session, node, principal). */
  idMaxLength: 128,
  /** Longest free-text message (progress message, log line, error message, cancel reason). */
  messageMaxLength: 4_000,
  /** Most metadata entries on a task. */
  metadataMaxEntries: 32,
  /** Longest metadata key. */
  metadataKeyMaxLength: 64,
  /** Longest string metadata value. */
  metadataValueMaxLength: 1_024,
  /** Largest page a list call returns. */
  pageMaxSize: 500,
  /** The page size of a list call that names none. */
  pageDefaultSize: 50,
  /** Longest list cursor. */
  cursorMaxLength: 512,
  /** Most steps in one workflow. */
  workflowMaxSteps: 256
} as const
