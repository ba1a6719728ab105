import { StoreRows } from "@coderclaw/security"

// Shared with the other SQL stores: it lives in @coderclaw/security (`StoreRows`).
export const { UnreadableRow, jsonColumn, rowObject, booleanColumn, rowDecoder } = StoreRows
export type UnreadableRow = StoreRows.UnreadableRow
