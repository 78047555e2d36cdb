import type BetterSqlite3 from 'better-sqlite3'

/**
 * Rows a run of bulk writes may leave in the WAL between two checkpoints. SQLite checkpoints at
 * the first commit past `wal_autocheckpoint` pages (1,000 by default, about 4 MiB): every commit
 * of a 10,000-row fan-out batch (about 5 MiB) then copied its pages into the database and synced
 * both files, twice the fsyncs of the commit itself. Four batches sharing a checkpoint cut the
 * fsyncs of `pnpm bench campaign` on SQLite from 391 to 265 and its fan-out time by about 5–10%
 * (200,000 followers, rounds alternated in one process). The WAL stays bounded (about 20 MiB) and
 * every commit stays durable: a checkpoint only moves committed pages into the database file.
 */
export const ROWS_PER_CHECKPOINT = 40_000

/**
 * Paces checkpoints for bulk writes: `run(rows, fn)` runs `fn` with automatic checkpoints held
 * off, except when the rows written since the last one reach {@link ROWS_PER_CHECKPOINT} (that
 * commit checkpoints everything the run left in the WAL). Other operations committing meanwhile
 * skip a checkpoint too, for at most that many rows.
 */
export function checkpointPace(raw: BetterSqlite3.Database) {
  const pages = raw.pragma('wal_autocheckpoint', { simple: true }) as number
  let since = 0
  let holding = 0
  return {
    async run<T>(rows: number, fn: () => Promise<T>): Promise<T> {
      since += rows
      const hold = since < ROWS_PER_CHECKPOINT && pages > 0
      if (!hold) since = 0
      else if (holding++ === 0) raw.pragma('wal_autocheckpoint = 0')
      try {
        return await fn()
      } finally {
        if (hold && --holding === 0 && raw.open) raw.pragma(`wal_autocheckpoint = ${pages}`)
      }
    },
  }
}
