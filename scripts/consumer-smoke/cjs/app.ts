// Type-checked (never run) with skipLibCheck: false: every published declaration file must resolve
// its own imports (pg, better-sqlite3, vitest types) in a consumer's project.
import { createLoop, isLoopError, type LoopOptions } from '@loopkit/core'
import { memoryStorage, sandboxPayments } from '@loopkit/core/dev'
import { toNodeListener } from '@loopkit/core/node'
import { type PostgresStorageOptions, postgresStorage } from '@loopkit/storage-postgres'
import { sqliteStorage } from '@loopkit/storage-sqlite'
import { testStorageAdapter } from '@loopkit/testing'
import { wechatPayments } from '@loopkit/wechat'
import { qrSvg } from '@loopkit/widget'
import pg from 'pg'

const options: LoopOptions = {
  secret: 'x'.repeat(32),
  baseUrl: 'http://localhost/loop',
  storage: memoryStorage(),
}
const loop = createLoop(options)
const listener: (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
) => Promise<void> = toNodeListener(loop.fetch, { origin: options.baseUrl })
const schema: PostgresStorageOptions = { schema: 'shop' }
export const adapters = [
  sqliteStorage({ file: 'shop.db' }),
  postgresStorage({ pool: new pg.Pool() }, schema),
  sandboxPayments(),
  wechatPayments,
  testStorageAdapter,
  qrSvg,
  listener,
]
export const guard: (e: unknown) => boolean = isLoopError
