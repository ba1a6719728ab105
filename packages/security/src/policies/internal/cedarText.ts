/** A Cedar string literal. Inputs are validated to hold no control characters; quotes and `\` are escaped. */
export const cedarString = (text: string): string => `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`

/** A Cedar entity reference, e.g. `Role::"developer"`. */
export const cedarEntity = (type: string, id: string): string => `${type}::${cedarString(id)}`

/** A Cedar set literal of entities, e.g. `[Role::"a", Role::"b"]`. */
export const cedarEntitySet = (type: string, ids: ReadonlyArray<string>): string =>
  `[${ids.map((id) => cedarEntity(type, id)).join(", ")}]`

/** A Cedar set literal of strings. */
export const cedarStringSet = (values: ReadonlyArray<string>): string => `[${values.map(cedarString).join(", ")}]`

/**
 * `expr` compared with a selector: `==` for an exact id, `like` when the selector holds `*` (Cedar's
 * `like` treats `*` as "any characters", which is the selector syntax; selectors hold no other escapes).
 */
export const cedarMatch = (expression: string, selector: string): string =>
  selector.includes("*") ? `${expression} like ${cedarString(selector)}` : `${expression} == ${cedarString(selector)}`

/** `expr` matching any of the selectors. */
export const cedarMatchAny = (expression: string, selectors: ReadonlyArray<string>): string =>
  selectors.length === 1
    ? cedarMatch(expression, selectors[0] as string)
    : `(${selectors.map((selector) => cedarMatch(expression, selector)).join(" || ")})`
