/** One entry of the append-only event log. */
export interface LoopEventRecord {
  /** Assigned by storage, strictly increasing. */
  seq: number
  id: string
  type: string
  at: number
  /** Customer and order the event concerns, for filtering. */
  customerId: string | null
  orderId: string | null
  data: Record<string, unknown>
}

/** An event-log entry before storage assigns its `seq`. */
export type NewEvent = Omit<LoopEventRecord, 'seq'>
