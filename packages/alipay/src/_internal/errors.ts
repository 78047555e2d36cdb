import { type LoopError, type LoopErrorCode, type LoopErrorInit, loopError } from '@loopkit/core'

/** A `LoopError` scoped to `[alipay]`: `[loopkit] [alipay] message`. */
export function alipayError(
  code: LoopErrorCode,
  message: string,
  extra: Omit<LoopErrorInit, 'code' | 'message'> = {},
): LoopError {
  return loopError('alipay', code, message, extra)
}

/**
 * Echoes an attacker-controlled value into a message safely: printable characters only, cut short,
 * so a forged notification cannot flood or forge log lines.
 */
export function printable(value: string, max = 48): string {
  const clean = value.replace(/[\p{Cc}\p{Cf}]/gu, '?')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
