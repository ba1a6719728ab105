/** Most characters of an attempted account name kept in the audit log. */
export const attemptedAccountNameMaxLength = 64

/**
 * The account name a login tried, fit for the audit log: NFC-normalised, control and format characters
 * (newlines, escapes, bidirectional overrides, zero-width marks) replaced by `?`, and cut to 64 characters
 * with a trailing `…` when longer. The name is the caller's text, so it is recorded as what was tried (the
 * entry's `resource`), never as who acted.
 */
export const attemptedAccountName = (name: string): string => {
  const cleaned = [...name.normalize("NFC").replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, "?")]
  return cleaned.length <= attemptedAccountNameMaxLength
    ? cleaned.join("")
    : `${cleaned.slice(0, attemptedAccountNameMaxLength - 1).join("")}…`
}
