import { distance } from "fastest-levenshtein"

/**
 * The known name closest to `typed`, when it is close enough to be a typo (at most a third of its length
 * different, and at least two edits allowed: a swap of two letters is two), else `undefined`. Edit distance by `fastest-levenshtein`.
 */
export const closestName = (typed: string, known: ReadonlyArray<string>): string | undefined => {
  const allowed = Math.max(2, Math.floor(typed.length / 3))
  let best: { readonly name: string; readonly distance: number } | undefined
  for (const name of known) {
    const d = distance(typed.toLowerCase(), name.toLowerCase())
    if (d <= allowed && (best === undefined || d < best.distance)) best = { name, distance: d }
  }
  return best?.name
}

/** The hint for an unknown name: `did you mean X?` when one is close, and where to see them all. */
export const didYouMean = (typed: string, known: ReadonlyArray<string>, listCommand: string): string => {
  const closest = closestName(typed, known)
  return `${closest === undefined ? "" : `did you mean ${closest}? `}See them all with \`${listCommand}\``
}
