import { type LoopError, type LoopErrorCode, type LoopErrorInit, loopError } from '@loopkit/core'

/** A `LoopError` scoped to `[stripe]`: `[loopkit] [stripe] message`. */
export function stripeError(
  code: LoopErrorCode,
  message: string,
  extra: Omit<LoopErrorInit, 'code' | 'message'> = {},
): LoopError {
  return loopError('stripe', code, message, extra)
}

/**
 * Echoes an attacker-controlled value into a message safely: printable ASCII only, cut short, so a
 * forged webhook cannot flood or forge log lines.
 */
export function printable(value: string, max = 48): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
