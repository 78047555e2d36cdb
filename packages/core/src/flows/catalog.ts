import * as z from 'zod/mini'
import type { Sku } from '../domain/catalog.js'
import { currencyExponents } from '../domain/money.js'
import { loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { parseInput } from '../schemas.js'

// zod/mini, like every core schema (core's bundle budget).
const skuId = z.string().check(z.minLength(1), z.maxLength(128))
const stock = z.nullable(z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)))

/** `loop.catalog.put()`: money in integer minor units of a currency Loopkit knows. */
export const skuInput = z.strictObject({
  id: skuId,
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
  description: z.nullable(z.string().check(z.maxLength(10_000))),
  imageUrl: z.nullable(z.string().check(z.maxLength(2048))),
  price: z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)),
  currency: z.string().check(
    z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'),
    z.refine((c) => Object.hasOwn(currencyExponents, c), 'is not a currency Loopkit settles in'),
  ),
  stock,
  active: z.boolean(),
  limitPerCustomer: z.optional(z.nullable(z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)))),
})

const setStockInput = z.strictObject({ id: skuId, stock })
const adjustStockInput = z.strictObject({
  id: skuId,
  delta: z.int().check(z.minimum(-Number.MAX_SAFE_INTEGER), z.maximum(Number.MAX_SAFE_INTEGER)),
})

function found(sku: Sku | null, id: string): Sku {
  if (!sku) throw loopError('catalog', 'not_found', `No product \`${id}\`.`)
  return sku
}

/**
 * Creates a SKU with its stock, or updates an existing one's description and keeps its stock
 * (units held by pending orders are already out of it; resetting it on every boot would sell them
 * twice). Returns the SKU as stored.
 */
export async function putSku(rt: Runtime, raw: unknown): Promise<Sku> {
  const input = parseInput(skuInput, raw, 'catalog')
  const { limitPerCustomer, ...rest } = input
  return rt.storage.putSku({ sku: limitPerCustomer == null ? rest : { ...rest, limitPerCustomer } })
}

/** Sets the units available to sell (`null`: untracked). Units held by pending orders are not in it. */
export async function setStock(rt: Runtime, raw: unknown): Promise<Sku> {
  const input = parseInput(setStockInput, raw, 'catalog')
  return found(await rt.storage.setStock(input), input.id)
}

/** Adds or removes units atomically; never below 0 (`out_of_stock`, nothing changed). */
export async function adjustStock(rt: Runtime, raw: unknown): Promise<Sku> {
  const input = parseInput(adjustStockInput, raw, 'catalog')
  return found(await rt.storage.adjustStock(input), input.id)
}
