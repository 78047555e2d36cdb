import { afterEach, beforeEach } from 'vitest'

/**
 * Registers a fresh harness per test (`setup` before each, `teardown` after) and returns its
 * accessor, which throws outside a test. Every contract suite builds its harness this way.
 */
export function useHarness<H>(options: { setup: () => Promise<H>; teardown?: () => Promise<void> }): () => H {
  let current: H | null = null
  beforeEach(async () => {
    current = await options.setup()
  })
  afterEach(async () => {
    current = null
    await options.teardown?.()
  })
  return () => {
    if (current === null) throw new Error('[loopkit] [testing] The harness is only available inside a test.')
    return current
  }
}
