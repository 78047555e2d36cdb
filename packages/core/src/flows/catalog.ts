import { z } from 'zod'
import type { Sku } from '../domain/catalog.js'
import { currencyExponents } from '../domain/money.js'
import { loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { parseInput } from '../schemas.js'

const skuId = z.string().min(1).max(128)
const stock = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable()

/** `loop.catalog.put()`: money in integer minor units of a currency Loopkit knows. */
export const skuInput = z
  .object({
    id: skuId,
    title: z.string().trim().min(1).max(256),
    description: z.string().max(10_000).nullable(),
    imageUrl: z.string().max(2048).nullable(),
    price: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
      .refine((c) => Object.hasOwn(currencyExponents, c), 'is not a currency Loopkit settles in'),
    stock,
    active: z.boolean(),
    limitPerCustomer: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  })
  .strict()

const setStockInput = z.object({ id: skuId, stock }).strict()
const adjustStockInput = z
  .object({ id: skuId, delta: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER) })
  .strict()

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
