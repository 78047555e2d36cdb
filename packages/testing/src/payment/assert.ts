import { isLoopError, type LoopErrorCode } from '@loopkit/core'
import { expect } from 'vitest'

/** The rejection of `promise`, or null when it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  )
}

/** Asserts a `LoopError` with one of `codes`. */
export function expectCode(error: unknown, codes: LoopErrorCode[]): void {
  expect(error, `expected a LoopError (${codes.join(' | ')}), but the call succeeded`).not.toBeNull()
  expect(isLoopError(error), `expected a LoopError, got ${String(error)}`).toBe(true)
  expect(codes).toContain((error as { code: LoopErrorCode }).code)
}
