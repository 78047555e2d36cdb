// The keys the loop's handler and this bridge share (see `http/respond.ts` and `http/body.ts`),
// spelt out here so the `node` entry does not bundle the handler's modules for four symbols. Being
// `Symbol.for` keys they are the same symbols; test/mounts/node-keys.test.ts holds them equal.

/** `loop.fetch[SERVE]`: the loop's handler, answering its own JSON as `RESPONSE_TEXT`. */
export const SERVE: unique symbol = Symbol.for('loopkit.serve')
/** The text of a response the loop made itself. */
export const RESPONSE_TEXT: unique symbol = Symbol.for('loopkit.response.text')
/** `request[REQUEST_BYTES]()`: the body the bridge read, once. */
export const REQUEST_BYTES: unique symbol = Symbol.for('loopkit.request.bytes')
/** `request[STANDARD_REQUEST]()`: a standard `Request` for the same request. */
export const STANDARD_REQUEST: unique symbol = Symbol.for('loopkit.request.standard')
