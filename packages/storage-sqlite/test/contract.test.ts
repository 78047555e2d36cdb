import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testStorageAdapter } from '@loopkit/testing'
import { afterAll } from 'vitest'
import { sqliteStorage } from '../src/index.js'

testStorageAdapter({
  name: 'sqliteStorage(:memory:)',
  create: async () => sqliteStorage({ file: ':memory:' }),
})

// The same suite on a real file in WAL mode, as apps run it.
const dir = mkdtempSync(join(tmpdir(), 'loopkit-sqlite-'))
let n = 0
testStorageAdapter({
  name: 'sqliteStorage(file, WAL)',
  create: async () => sqliteStorage({ file: join(dir, `contract-${n++}.db`) }),
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
