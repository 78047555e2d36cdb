import type { Effects, NewEvent, NewNotification } from '@loopkit/core'
import type { Db, Queryable } from './db.js'

/** The advisory-lock key under which events get their `seq` (see {@link eventsHighWater}). */
export function eventsLockKey(schema: string): string {
  return `loopkit:events:${schema}`
}

/**
 * Writes outbox rows (skipping taken dedupe keys) and events in one statement. Returns how many
 * outbox rows were new.
 *
 * Why the shared advisory lock: a `bigserial` is handed out at insert time but becomes visible at
 * commit, so a reader tailing `seq > n` could see 8 while 7 is still in flight, and never see 7.
 * Writers take the lock in shared mode (they do not wait for one another) before their events get
 * a `seq`, and hold it to commit; `listEvents` briefly takes it exclusively to read a high-water
 * mark below which every `seq` is committed or rolled back. The CTE chain forces the order: the
 * outbox insert runs first (it may wait on a concurrent insert of the same dedupe key), then the
 * lock, then the events. A writer may still wait on a row after this (the stock update comes
 * last, to keep hot-row locks short), but never on one held by a transaction that is itself
 * waiting for this lock: only SKU rows are locked after it, always in id order, by transactions
 * that already hold it or need nothing more. Should a reader ever close a cycle anyway, Postgres
 * reports a deadlock and the transaction is retried.
 */
export async function writeEffects(
  q: Queryable,
  db: Pick<Db, 's' | 'schema'>,
  input: { effects: Effects | undefined; now: number },
): Promise<{ inserted: number }> {
  const outbox = input.effects?.outbox ?? []
  const events = input.effects?.events ?? []
  if (outbox.length === 0 && events.length === 0) return { inserted: 0 }
  const { s } = db
  const { rows } = await q.query<{ inserted: number }>(
    `WITH ob AS (
       INSERT INTO ${s}.notifications
         (id, dedupe_key, channel, customer_id, message, status, attempts, next_attempt_at, created_at, updated_at)
       SELECT x->>'id', x->>'dedupeKey', x->>'channel', x->>'customerId', x->'message', 'pending', 0,
              coalesce((x->>'nextAttemptAt')::bigint, $2), $2, $2
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, i) ORDER BY i
       ON CONFLICT DO NOTHING
       RETURNING 1
     ),
     lk AS MATERIALIZED (
       SELECT pg_advisory_xact_lock_shared(hashtextextended($4, 0))
       FROM (SELECT count(*) FROM ob) AS c
       WHERE jsonb_array_length($3::jsonb) > 0
     ),
     ev AS (
       INSERT INTO ${s}.events (id, type, at, customer_id, order_id, data)
       SELECT x->>'id', x->>'type', (x->>'at')::bigint, x->>'customerId', x->>'orderId', coalesce(x->'data', '{}')
       FROM lk, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(x, i) ORDER BY i
     )
     SELECT count(*)::int AS inserted FROM ob`,
    [
      JSON.stringify(outbox.map(outboxJson)),
      input.now,
      JSON.stringify(events.map(eventJson)),
      eventsLockKey(db.schema),
    ],
  )
  return { inserted: rows[0]?.inserted ?? 0 }
}

function outboxJson(n: NewNotification) {
  return {
    id: n.id,
    dedupeKey: n.dedupeKey,
    channel: n.channel,
    customerId: n.customerId,
    message: n.message,
    nextAttemptAt: n.nextAttemptAt ?? null,
  }
}

function eventJson(e: NewEvent) {
  return {
    id: e.id,
    type: e.type,
    at: e.at,
    customerId: e.customerId ?? null,
    orderId: e.orderId ?? null,
    data: e.data,
  }
}

/**
 * The highest `seq` below which no event can still appear: taking the lock exclusively waits for
 * every writer holding it in shared mode to finish, and any writer after that gets a larger `seq`.
 * One autocommit statement, so the lock is released as soon as the value is read.
 */
export async function eventsHighWater(q: Queryable, db: Pick<Db, 's' | 'schema'>): Promise<number> {
  const { rows } = await q.query<{ hw: number }>(
    `WITH lk AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtextextended($1, 0)))
     SELECT coalesce(pg_sequence_last_value($2::regclass), 0)::bigint AS hw FROM lk`,
    [eventsLockKey(db.schema), `${db.s}.events_seq_seq`],
  )
  return rows[0]?.hw ?? 0
}
