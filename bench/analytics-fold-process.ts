// The second instance of `analytics-fold.ts`: opens the sale's store, catches the fold up, prints
// `ready`, runs the fold loop until its stdin says `stop`, then prints `{"folded":n}`.
//   LOOPKIT_FOLD_WORKER='{"sqlite":"/tmp/…/loop.db"}' or '{"postgres":{"connectionString":…,"schema":…}}'
import { createInterface } from 'node:readline'
import type { StorageAdapter } from '../packages/core/src/index.js'
import { postgresStorage } from '../packages/storage-postgres/src/index.js'
import { sqliteStorage } from '../packages/storage-sqlite/src/index.js'
import { type FoldTarget, foldInProcess } from './analytics-fold.js'

const target = JSON.parse(process.env.LOOPKIT_FOLD_WORKER ?? '{}') as FoldTarget
const storage: StorageAdapter =
  'sqlite' in target
    ? sqliteStorage({ file: target.sqlite, synchronous: 'normal' })
    : postgresStorage(
        { connectionString: target.postgres.connectionString, max: 4 },
        { schema: target.postgres.schema },
      )
// A process that serves no checkouts folds with share 1, as the docs recommend.
const stop = await foldInProcess(storage, 1)
process.stdout.write('ready\n')
for await (const line of createInterface({ input: process.stdin })) if (line.trim() === 'stop') break
const folded = await stop()
await storage.close?.()
// stdin keeps the process alive: exit once the answer is written.
process.stdout.write(`${JSON.stringify({ folded })}\n`, () => process.exit(0))
