import * as z from 'zod/mini'

// zod/mini, like every core schema (core's bundle budget). The building blocks the programmatic
// API's inputs share, so an id or a page size means the same thing on every method.

/** A record id: a customer, order, SKU, share or reward id. */
export const recordId = z.string().check(z.minLength(1), z.maxLength(128))

/** A provider or channel id as adapters declare it (`wechat`, `sandbox`). */
export const adapterId = z.string().check(z.minLength(1), z.maxLength(32))

/** A channel name, as the HTTP routes accept it. */
export const channelName = z.string().check(z.minLength(1), z.maxLength(32), z.regex(/^[a-z0-9_.-]+$/))

/** How many rows a list or a pass reads at most. */
export const pageLimit = z.optional(z.int().check(z.minimum(1), z.maximum(10_000)))

/** A clock reading in milliseconds or an event `seq`: never negative. */
export const position = z.optional(z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)))

/** A duration in milliseconds. */
export const durationMs = z.int().check(z.minimum(1), z.maximum(2_147_483_647))

/** A share's signed token (what a link carries). */
export const shareToken = z.string().check(z.minLength(1), z.maxLength(64))
