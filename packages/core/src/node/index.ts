/**
 * `@loopkit/core/node`: mount `loop.fetch` in Node servers (node:http, Express, Fastify).
 *
 * @module
 */
export { toNodeListener } from './listener.js'
export { fromNodeRequest } from './request.js'
export { writeNodeResponse } from './response.js'
export type { NodeBridgeOptions, NodeRequestLike, NodeResponseLike, WebHandler } from './types.js'
