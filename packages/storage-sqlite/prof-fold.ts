import { foldRollups } from '@loopkit/core'
import Database from 'better-sqlite3'
import { sqliteStorage } from './src/index.js'

const raw = new Database('/tmp/fold.db')
raw.exec(
  `DELETE FROM rollup_counts; DELETE FROM rollup_totals; DELETE FROM rollup_seen; DELETE FROM rollup_reach; DELETE FROM rollup_last; DELETE FROM rollup_people_total; DELETE FROM rollup_buyers; UPDATE rollup_cursor SET cursor = 0, first_day = NULL, last_day = NULL;`,
)
raw.close()
const s = sqliteStorage({ file: '/tmp/fold.db', synchronous: 'normal' })
const t0 = performance.now()
const { folded } = await foldRollups({ storage: s, maxBatches: Number(process.env.N ?? 40) })
const ms = performance.now() - t0
console.log(
  folded,
  'events',
  ms.toFixed(0),
  'ms',
  Math.round((folded / ms) * 1000),
  'events/s',
  process.cpuUsage(),
)
