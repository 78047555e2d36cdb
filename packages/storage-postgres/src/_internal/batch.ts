/**
 * Coalesces the calls of one operation made in the same turn of the event loop into one call of
 * `many`, so concurrent buyers share one round trip (and, for a write, one statement and one
 * commit) instead of each sending its own. Across machines every round trip costs both sides a
 * socket write, a wake-up and a read; on a busy app server that, not the SQL, is most of the work.
 *
 * A lone call goes to `one` (the plain single-call statement), so an idle app pays nothing extra.
 * `many` answers one outcome per input, in order: a value, or an error for that caller alone. When
 * `many` itself throws, every caller of the batch gets that error (a write's `many` catches what a
 * retry one by one can fix, and does that itself).
 *
 * Flushing at `setImmediate` means a call waits at most for the I/O callbacks already due in this
 * turn: under load those are the other buyers' answers, whose next calls join the batch.
 */
export function batched<I, O>(
  one: (input: I) => Promise<O>,
  many: (inputs: I[]) => Promise<Outcome<O>[]>,
  max = 64,
): (input: I) => Promise<O> {
  let queue: Waiting<I, O>[] = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    const all = queue
    queue = []
    for (let i = 0; i < all.length; i += max) void run(all.slice(i, i + max))
  }
  const run = async (batch: Waiting<I, O>[]) => {
    if (batch.length === 1) {
      const w = batch[0]!
      one(w.input).then(w.resolve, w.reject)
      return
    }
    let outcomes: Outcome<O>[]
    try {
      outcomes = await many(batch.map((w) => w.input))
    } catch (e) {
      for (const w of batch) w.reject(e)
      return
    }
    batch.forEach((w, i) => {
      const o = outcomes[i]
      if (o === undefined) w.reject(new Error('[loopkit] [postgres] A batched call got no answer.'))
      else if (o.ok) w.resolve(o.value)
      else w.reject(o.error)
    })
  }
  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject })
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    })
}

/** One caller's answer from a batch. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown }

interface Waiting<I, O> {
  input: I
  resolve(value: O): void
  reject(error: unknown): void
}

/** Runs `fn` per input, concurrently, collecting each outcome (the one-by-one fallback of a batch). */
export function eachAlone<I, O>(inputs: I[], fn: (input: I) => Promise<O>): Promise<Outcome<O>[]> {
  return Promise.all(
    inputs.map((input) =>
      fn(input).then(
        (value): Outcome<O> => ({ ok: true, value }),
        (error: unknown): Outcome<O> => ({ ok: false, error }),
      ),
    ),
  )
}
