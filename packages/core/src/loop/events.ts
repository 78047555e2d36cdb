import mittModule from 'mitt'
import type { NewEvent } from '../domain/event.js'

/** What listeners receive: the event as written to the log (its `seq` is assigned by storage). */
export type LoopEvent = NewEvent

// mitt's typings are CommonJS-flavoured while its ESM build has a real default export.
const mitt = ((mittModule as unknown as { default?: unknown }).default ??
  mittModule) as unknown as typeof import('mitt').default

/** The event types the loop emits; `data` of each is described in the event reference. */
export type LoopEventType =
  | 'customer.created'
  | 'customer.logged_in'
  | 'order.created'
  | 'order.paid'
  | 'order.fulfilled'
  | 'order.cancelled'
  | 'order.expired'
  | 'order.refunded'
  | 'refund.requested'
  | 'refund.failed'
  | 'payment.suspicious'
  | 'payment.late'
  | 'webhook.rejected'
  | 'share.created'
  | 'share.visited'
  | 'share.action'
  | 'notification.sent'
  | 'notification.retry'
  | 'notification.dead'
  | 'reward.accrued'
  | 'reward.released'
  | 'reward.clawed_back'
  | 'hooks.completed'

/** A listener; it receives the persisted event-log record. */
export type LoopListener = (event: LoopEvent) => void

/**
 * mitt, wrapped so that a throwing listener cannot break the loop (mitt stops at the first throw):
 * each listener runs in its own try/catch and failures go to `onListenerError`.
 */
export function createEmitter(onListenerError: (error: unknown, event: LoopEvent) => void) {
  const bus = mitt<Record<string, LoopEvent>>()
  return {
    on(type: LoopEventType | '*', listener: LoopListener): () => void {
      const safe = (a: unknown, b?: unknown) => {
        const event = (type === '*' ? b : a) as LoopEvent
        try {
          listener(event)
        } catch (error) {
          onListenerError(error, event)
        }
      }
      if (type === '*') bus.on('*', safe as never)
      else bus.on(type, safe)
      return () => (type === '*' ? bus.off('*', safe as never) : bus.off(type, safe))
    },
    emit(events: readonly LoopEvent[]): void {
      for (const e of events) bus.emit(e.type, e)
    },
  }
}

export type LoopEmitter = ReturnType<typeof createEmitter>
