import { createLoop } from '@loopkit/core'
import { memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { track } from '../src/index.js'

describe('track()', () => {
  it('reports a page view that the loop counts as a visitor', async () => {
    const loop = createLoop({
      secret: 'test-secret-test-secret-test-secret-0001',
      baseUrl: 'http://shop.test/loop',
      storage: memoryStorage(),
    })
    const calls: string[] = []
    const viaLoop: typeof fetch = (input, init) => {
      calls.push(String(input))
      return loop.fetch(new Request(new URL(String(input), 'http://shop.test'), init))
    }
    expect(await track({ baseUrl: '/loop/', path: '/products/duck', fetch: viaLoop })).toBe(true)
    expect(calls).toEqual(['/loop/track?path=%2Fproducts%2Fduck'])
    const [seen] = await loop.analytics.events({ types: ['visitor.seen'] })
    expect(seen?.data).toMatchObject({ path: '/products/duck' })
    expect((await loop.analytics.funnel()).steps[0]?.people).toBe(1)
  })

  it('resolves false instead of throwing when the loop cannot be reached', async () => {
    const down: typeof fetch = () => Promise.reject(new TypeError('offline'))
    expect(await track({ baseUrl: '/loop', fetch: down })).toBe(false)
  })
})
