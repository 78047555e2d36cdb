import { type LoopError, type LoopErrorCode, type LoopErrorInit, loopError } from '@loopkit/core'

/** A `LoopError` scoped to `[wechat]`: `[loopkit] [wechat] message`. */
export function wechatError(
  code: LoopErrorCode,
  message: string,
  extra: Omit<LoopErrorInit, 'code' | 'message'> = {},
): LoopError {
  return loopError('wechat', code, message, extra)
}

/**
 * Echoes an attacker-controlled header value into a message safely: printable ASCII only, cut short,
 * so a forged callback cannot flood or forge log lines.
 */
export function printable(value: string, max = 48, unicode = false): string {
  const clean = value.replace(unicode ? /[\p{Cc}\p{Cf}]/gu : /[^\x20-\x7e]/g, '?')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
