import type { ReserveSendInput } from './outbox-types.js'

/**
 * The send ledger behind frequency caps: an optional capability of a storage adapter, needed by a
 * loop whose notification policy has caps.
 */
export interface SendLedgerStorage {
  /**
   * In one atomic step: if `key` is already reserved, answers `ok: true` (a retry of the same
   * message); else counts the customer's reservations of `class` inside each cap's window and,
   * when every count is below its `max`, records `key` at `now`. Concurrent reservations for one
   * customer and class are serialised, so no number of dispatchers can exceed a cap.
   */
  reserveSend(input: ReserveSendInput): Promise<{ ok: boolean }>
  /**
   * Gives a reservation back: the message behind `key` reached nobody (its fallback chain ran out
   * on failures), so it must not use up the customer's cap. Unknown keys are a no-op.
   */
  releaseSend(input: { key: string }): Promise<void>
}
