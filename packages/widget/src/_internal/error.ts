/** The subset of `@loopkit/core`'s `LoopErrorCode` the widget reports. */
export type WidgetErrorCode = 'invalid_input' | 'unauthorized' | 'not_found' | 'provider_error' | 'internal'

/** An error shaped like `@loopkit/core`'s `LoopError`. */
export interface WidgetError extends Error {
  name: 'LoopError'
  code: WidgetErrorCode
  status?: number
}

/**
 * An `Error` named `LoopError` with a stable `code`, so `isLoopError()` from `@loopkit/core`
 * recognises it (it compares `name`), without shipping core's class to the browser.
 */
export function widgetError(code: WidgetErrorCode, message: string, status?: number): WidgetError {
  const error = new Error(`[loopkit] [widget] ${message}`) as WidgetError
  error.name = 'LoopError'
  error.code = code
  if (status !== undefined) error.status = status
  return error
}
