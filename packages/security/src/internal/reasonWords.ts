/** A PascalCase `reason` as words in a message: `"InvalidClaim"` → `"invalid claim"`. */
export const reasonWords = (reason: string): string => reason.replace(/(?<=[a-z0-9])(?=[A-Z])/g, " ").toLowerCase()

/**
 * A PascalCase `reason` as the snake_case code audit entries and `Forbidden.reasons` carry
 * (`"session:" + reasonCode("NotFound")` → `"session:not_found"`): those strings reach operators and
 * clients, so they keep one stable spelling whatever the error classes call their reasons.
 */
export const reasonCode = (reason: string): string => reason.replace(/(?<=[a-z0-9])(?=[A-Z])/g, "_").toLowerCase()
