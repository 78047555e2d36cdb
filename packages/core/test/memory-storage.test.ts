import { describe, expect, it } from 'vitest'
import { testStorageAdapter } from '../../testing/src/index.js'
import { memoryStorage } from '../src/adapters/memory-storage/index.js'

testStorageAdapter({ name: 'memoryStorage', create: async () => memoryStorage() })

describe('memoryStorage', () => {
  it('keeps separate state per instance', async () => {
    const a = memoryStorage()
    const b = memoryStorage({ name: 'b' })
    await a.cacheSet({ key: 'k', value: 'v', ttlMs: 1000, now: 0 })
    expect(await b.cacheGet({ key: 'k', now: 0 })).toBeNull()
    expect(b.name).toBe('b')
    expect(a.name).toBe('memory')
  })
})
