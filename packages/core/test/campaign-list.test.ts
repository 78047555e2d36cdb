import { memoryStorage } from '@loopkit/core/dev'
import { describe, expect, it } from 'vitest'
import { testLoop } from './_setup.js'

const draft = (id: string) => ({
  id,
  audience: 'followers',
  message: { title: `Sale ${id}`, body: 'Salted duck, 20% off today' },
  channelPlan: { channels: ['console'] },
})

describe('loop.campaigns.list', () => {
  it('pages newest first with `next` as `after`, and filters by status', async () => {
    const t = testLoop()
    for (const id of ['spring', 'summer', 'autumn', 'winter']) {
      await t.loop.campaigns.create(draft(id))
      t.clock.advance(1000)
    }
    await t.loop.campaigns.cancel({ id: 'summer' })
    const first = await t.loop.campaigns.list({ limit: 3 })
    expect(first.campaigns.map((c) => c.id)).toEqual(['winter', 'autumn', 'summer'])
    expect(first.next).toBe('summer')
    // A campaign created between pages comes first on a fresh list, never on the next page.
    await t.loop.campaigns.create(draft('newyear'))
    const second = await t.loop.campaigns.list({ after: first.next, limit: 3 })
    expect(second).toEqual({ campaigns: [expect.objectContaining({ id: 'spring' })], next: null })
    expect((await t.loop.campaigns.list()).campaigns.map((c) => c.id)).toEqual([
      'newyear',
      'winter',
      'autumn',
      'summer',
      'spring',
    ])
    const cancelled = await t.loop.campaigns.list({ status: 'cancelled' })
    expect(cancelled).toEqual({
      campaigns: [expect.objectContaining({ id: 'summer', status: 'cancelled' })],
      next: null,
    })
    // A page exactly full is the last: next is null.
    expect((await t.loop.campaigns.list({ status: 'draft', limit: 4 })).next).toBeNull()
  })

  it('refuses bad input with invalid_input and an issue path', async () => {
    const t = testLoop()
    await t.loop.campaigns.create(draft('spring'))
    for (const [input, path] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
      [{ limit: 1.5 }, 'limit'],
      [{ status: 'paid' }, 'status'],
      [{ after: 'a:b' }, 'after'],
      [{ after: 'nobody' }, 'after'],
      [{ order: 'asc' }, ''],
    ] as const)
      await expect(t.loop.campaigns.list(input as never), JSON.stringify(input)).rejects.toMatchObject({
        name: 'LoopError',
        code: 'invalid_input',
        issues: expect.arrayContaining([expect.objectContaining({ path: path ? [path] : [] })]),
      })
  })

  it('says which storage operation is missing when the adapter has no list', async () => {
    const { listCampaigns: _, ...storage } = memoryStorage()
    const t = testLoop({ storage })
    await expect(t.loop.campaigns.list()).rejects.toMatchObject({ code: 'configuration' })
  })
})
