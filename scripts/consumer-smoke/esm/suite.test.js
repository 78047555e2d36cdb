// @loopkit/testing's contract suite under the newest vitest (its peer range is ^4 || ^5).
import { memoryStorage } from '@loopkit/core/dev'
import { testStorageAdapter } from '@loopkit/testing'

testStorageAdapter({ name: 'memoryStorage (from the tarballs)', create: async () => memoryStorage() })
