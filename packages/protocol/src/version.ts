/**
 * The integer version of the coderClaw wire protocol spoken by this package.
 *
 * Bump it when a message changes shape in a way an older peer cannot read. A peer offers the range of
 * versions it speaks; the other side picks the highest version both support or refuses the connection
 * with `UnsupportedProtocolVersion`.
 */
export const PROTOCOL_VERSION = 2

/** The oldest wire protocol version this package can still speak. */
export const MIN_SUPPORTED_PROTOCOL_VERSION = 1

/**
 * Picks the protocol version two peers share: the highest version inside both ranges, or `undefined` when
 * the ranges do not overlap.
 */
export const negotiateProtocolVersion = (offered: {
  readonly min: number
  readonly max: number
}): number | undefined => {
  const high = Math.min(offered.max, PROTOCOL_VERSION)
  const low = Math.max(offered.min, MIN_SUPPORTED_PROTOCOL_VERSION)
  return high >= low ? high : undefined
}
