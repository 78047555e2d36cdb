import type { Effects, NewEvent, NewNotification } from '@loopkit/core'
import type { Db, Queryable } from './db.js'

/** Numbers the parameters of a statement assembled from pieces: `p.add(value)` → `$3`. */
export class Params {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
  /** `$1, $2, …` for a VALUES list. */
  list(values: readonly unknown[]): string {
    return values.map((v) => this.add(v)).join(', ')
  }
}

/** The advisory-lock key under which events get their `seq` (see {@link eventsHighWater}). */
export function eventsLockKey(schema: string): string {
  return `loopkit:events:${schema}`
}

/**
 * CTEs that write a change's effects inside the change's own statement: `fx_ob` inserts outbox
 * rows (skipping taken dedupe keys; `SELECT count(*) FROM fx_ob` is how many were new), `fx_lk`
 * takes the events lock, `fx_ev` appends the events. Written only when `when` (a SQL condition
 * over the change's CTEs, e.g. `EXISTS (SELECT 1 FROM moved)`) holds. Because `when` names them,
 * the change's own CTEs run first — so `when` must reach every CTE that locks a row (other than
 * stock buckets, see below). Returns `''` when there is nothing to write.
 *
 * Why the shared advisory lock: a `bigserial` is handed out at insert time but becomes visible at
 * commit, so a reader tailing `seq > n` could see 8 while 7 is still in flight, and never see 7.
 * Writers take the lock in shared mode (they do not wait for one another) before their events get
 * a `seq`, and hold it to commit; `listEvents` briefly takes it exclusively to read a high-water
 * mark below which every `seq` is committed or rolled back. The chain forces the order: outbox
 * insert (it may wait on a concurrent insert of the same dedupe key), then the lock, then events.
 * A writer may still wait on a stock bucket after taking it (a release, or a checkout's slow path
 * that locks every bucket of a SKU), but nothing waits for the lock while holding a bucket: the
 * checkout's fast path takes the lock before it claims a bucket, and catalogue
 * writes take buckets without events. So no cycle through a waiting reader can form; should one
 * ever, Postgres reports a deadlock and the operation is retried.
 */
export function effectsCtes(
  p: Params,
  db: Pick<Db, 's' | 'schema'>,
  input: { effects: Effects | undefined; now: number; when?: string },
): string {
  const outbox = input.effects?.outbox ?? []
  const events = input.effects?.events ?? []
  if (outbox.length === 0 && events.length === 0) return ''
  const { s } = db
  const when = input.when ?? 'true'
  const now = p.add(input.now)
  const ob = p.add(JSON.stringify(outbox.map(outboxJson)))
  const ev = p.add(JSON.stringify(events.map(eventJson)))
  return `fx_ob AS (
      INSERT INTO ${s}.notifications
        (id, dedupe_key, channel, customer_id, message, status, attempts, next_attempt_at, created_at, updated_at)
      SELECT x->>'id', x->>'dedupeKey', x->>'channel', x->>'customerId', x->'message', 'pending', 0,
             coalesce((x->>'nextAttemptAt')::bigint, ${now}::bigint), ${now}::bigint, ${now}::bigint
      FROM jsonb_array_elements(${ob}::jsonb) WITH ORDINALITY AS t(x, i)
      WHERE ${when}
      ORDER BY i
      ON CONFLICT DO NOTHING
      RETURNING 1
    ),
    fx_lk AS MATERIALIZED (
      SELECT pg_advisory_xact_lock_shared(hashtextextended(${p.add(eventsLockKey(db.schema))}, 0))
      FROM (SELECT count(*) FROM fx_ob) AS c
      WHERE jsonb_array_length(${ev}::jsonb) > 0 AND ${when}
    ),
    fx_ev AS (
      INSERT INTO ${s}.events (id, type, at, customer_id, order_id, data)
      SELECT x->>'id', x->>'type', (x->>'at')::bigint, x->>'customerId', x->>'orderId', coalesce(x->'data', '{}')
      FROM fx_lk, jsonb_array_elements(${ev}::jsonb) WITH ORDINALITY AS t(x, i)
      ORDER BY i
    )`
}

/**
 * {@link effectsCtes} for a statement that changes many rows, each with its own effects: `rows` is
 * a SQL relation with columns `ob` (outbox rows, as {@link effectsJson} gives them), `ev` (events)
 * and `now`, holding exactly the changes that happened, and `order` sorts them (so events get
 * their `seq` in that order). The same CTE names, the same lock order.
 */
export function effectsManyCtes(
  db: Pick<Db, 's' | 'schema'>,
  p: Params,
  x: { rows: string; order: string },
): string {
  const { s } = db
  return `fx_ob AS (
      INSERT INTO ${s}.notifications
        (id, dedupe_key, channel, customer_id, message, status, attempts, next_attempt_at, created_at, updated_at)
      SELECT n->>'id', n->>'dedupeKey', n->>'channel', n->>'customerId', n->'message', 'pending', 0,
             coalesce((n->>'nextAttemptAt')::bigint, fx.now), fx.now, fx.now
      FROM ${x.rows} AS fx, jsonb_array_elements(fx.ob) WITH ORDINALITY AS t(n, j)
      ORDER BY ${x.order}, j
      ON CONFLICT DO NOTHING
      RETURNING 1
    ),
    fx_lk AS MATERIALIZED (
      SELECT pg_advisory_xact_lock_shared(hashtextextended(${p.add(eventsLockKey(db.schema))}, 0))
      FROM (SELECT count(*) FROM fx_ob) AS c
      WHERE EXISTS (SELECT 1 FROM ${x.rows} AS fx WHERE jsonb_array_length(fx.ev) > 0)
    ),
    fx_ev AS (
      INSERT INTO ${s}.events (id, type, at, customer_id, order_id, data)
      SELECT e->>'id', e->>'type', (e->>'at')::bigint, e->>'customerId', e->>'orderId', coalesce(e->'data', '{}')
      FROM fx_lk, ${x.rows} AS fx, jsonb_array_elements(fx.ev) WITH ORDINALITY AS t(e, j)
      ORDER BY ${x.order}, j
    )`
}

/** A change's effects as the JSON columns of {@link effectsManyCtes}. */
export function effectsJson(effects: Effects | undefined): { ob: unknown[]; ev: unknown[] } {
  return { ob: (effects?.outbox ?? []).map(outboxJson), ev: (effects?.events ?? []).map(eventJson) }
}

/** Writes effects on their own (outside another change). Returns how many outbox rows were new. */
export async function writeEffects(
  q: Queryable,
  db: Pick<Db, 's' | 'schema'>,
  input: { effects: Effects | undefined; now: number },
): Promise<{ inserted: number }> {
  const p = new Params()
  const ctes = effectsCtes(p, db, input)
  if (!ctes) return { inserted: 0 }
  const { rows } = await q.query<{ inserted: number }>(
    `WITH ${ctes} SELECT count(*)::int AS inserted FROM fx_ob`,
    p.values,
  )
  return { inserted: rows[0]?.inserted ?? 0 }
}

/** `WITH a AS (…), b AS (…)` plus the effects CTEs, when there are any. */
export function withEffects(ctes: string, fx: string): string {
  return `WITH ${ctes}${fx ? `,\n${fx}` : ''}`
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
