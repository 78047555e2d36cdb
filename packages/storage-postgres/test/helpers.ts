import { randomBytes } from 'node:crypto'
import type { NewEvent, NewNotification, Order, Sku } from '@loopkit/core'
import pg from 'pg'
import type { PostgresStorage, PostgresStorageOptions } from '../src/index.js'
import { postgresStorage } from '../src/index.js'

/** The test server (trust auth); override with `LOOPKIT_TEST_POSTGRES_URL`. */
export const TEST_URL = process.env.LOOPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh schema name per test run, so parallel runs never see each other's rows. */
export function randomSchema(prefix = 'lk_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`
}

// Pools stay small: vitest may run several of these files at once against one server (max 100
// connections), and the many-processes test adds four worker pools of its own.
export function createTestStorage(
  schema = randomSchema(),
  options: Omit<PostgresStorageOptions, 'schema'> = {},
): PostgresStorage {
  return postgresStorage({ connectionString: TEST_URL, max: 8 }, { ...options, schema })
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}

let counter = 0
/** A unique id/number for fixtures (order numbers must match WeChat's `out_trade_no` rules). */
export function uid(prefix: string): string {
  counter += 1
  return `${prefix}${Date.now().toString(36)}${counter.toString().padStart(6, '0')}${randomBytes(3).toString('hex')}`
}

export function sku(overrides: Partial<Sku> = {}): Sku {
  return {
    id: uid('sku_'),
    title: 'Salted duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 10,
    active: true,
    ...overrides,
  }
}

export function order(overrides: Partial<Order> & { skuId?: string; quantity?: number } = {}): Order {
  const { skuId = 'duck', quantity = 1, ...rest } = overrides
  const id = uid('ord_')
  return {
    id,
    number: uid('N'),
    customerId: 'cus_1',
    lines: [{ skuId, title: 'Salted duck', quantity, unitPrice: 8800 }],
    total: 8800 * quantity,
    currency: 'CNY',
    status: 'pending',
    provider: 'sandbox',
    idempotencyKey: null,
    attribution: null,
    refunded: 0,
    providerRef: null,
    createdAt: 1_000,
    expiresAt: 901_000,
    paidAt: null,
    updatedAt: 1_000,
    ...rest,
  }
}

export function note(dedupeKey: string, overrides: Partial<NewNotification> = {}): NewNotification {
  return {
    id: uid('ntf_'),
    dedupeKey,
    channel: 'console',
    customerId: 'cus_1',
    message: { topic: 'order.paid', title: 'Paid', body: 'Your duck is on its way.', fields: {} },
    ...overrides,
  }
}

export function event(type: string, overrides: Partial<NewEvent> = {}): NewEvent {
  return { id: uid('evt_'), type, at: 1_000, customerId: null, orderId: null, data: {}, ...overrides }
}
