import type { Loop, Sku } from '@loopkit/core'

/** A product as the shop shows it; the loop only keeps the SKU part (price, stock, title). */
export interface Product {
  id: string
  zh: string
  en: string
  /** Fen (CNY minor units). */
  price: number
  /** Stock the shop starts with on a fresh database (never applied again on restart). */
  stock: number
  blurbZh: string
  blurbEn: string
  /** Colours of the generated picture. */
  art: { kind: 'duck' | 'pressed' | 'bowl' | 'taro' | 'tea'; background: string; accent: string }
}

/** The Nanjing shop: five local specialities. */
export const products: readonly Product[] = [
  {
    id: 'salted-duck',
    zh: '盐水鸭',
    en: 'Nanjing salted duck',
    price: 6800,
    stock: 50,
    blurbZh: '桂花时节的金陵盐水鸭，皮白肉嫩，肥而不腻。',
    blurbEn: 'Brined and poached the Jinling way: pale skin, tender meat, best in osmanthus season.',
    art: { kind: 'duck', background: '#f6ead8', accent: '#c9a36b' },
  },
  {
    id: 'pressed-duck',
    zh: '板鸭',
    en: 'Pressed duck',
    price: 8800,
    stock: 30,
    blurbZh: '腌制压平、风干而成，南京人过年必备。',
    blurbEn: 'Salted, pressed flat and air-dried: the New Year duck of every Nanjing household.',
    art: { kind: 'pressed', background: '#f3e2cf', accent: '#a8572d' },
  },
  {
    id: 'duck-blood-soup',
    zh: '鸭血粉丝汤',
    en: 'Duck blood & vermicelli soup kit',
    price: 2800,
    stock: 100,
    blurbZh: '鸭血、鸭肝、鸭肠与粉丝，一碗热汤的全部配料。',
    blurbEn: 'Duck blood, liver, intestine and glass noodles: everything for two hot bowls.',
    art: { kind: 'bowl', background: '#f8e6e0', accent: '#9b2d20' },
  },
  {
    id: 'osmanthus-taro',
    zh: '桂花糖芋苗',
    en: 'Osmanthus taro',
    price: 1800,
    stock: 80,
    blurbZh: '小芋头配桂花糖浆，秦淮河畔的甜味。',
    blurbEn: 'Baby taro in osmanthus syrup, the sweet taste of the Qinhuai riverside.',
    art: { kind: 'taro', background: '#fbf0d9', accent: '#d9a441' },
  },
  {
    id: 'yuhua-tea',
    zh: '雨花茶',
    en: 'Yuhua tea',
    price: 12800,
    stock: 20,
    blurbZh: '形如松针的南京名茶，清明前采摘。',
    blurbEn: 'Pine-needle shaped green tea from Nanjing, picked before Qingming.',
    art: { kind: 'tea', background: '#e8f0e0', accent: '#4f7a3a' },
  },
]

export function productById(id: string): Product | null {
  return products.find((p) => p.id === id) ?? null
}

/** The SKU the loop stores for a product; `origin` makes the image URL absolute, as WeChat share cards need. */
export function skuOf(product: Product, origin: string, stock: number | null): Sku {
  return {
    id: product.id,
    title: `${product.zh} ${product.en}`,
    description: `${product.blurbZh} ${product.blurbEn}`,
    imageUrl: `${origin}/images/${product.id}.svg`,
    price: product.price,
    currency: 'CNY',
    stock,
    active: true,
  }
}

/**
 * Puts one SKU into the loop with "stock only on create" semantics: a new SKU gets its starting
 * stock; an existing one keeps the stock the database holds (what pending orders left of it) and only
 * its title, price and picture are refreshed, and only when they changed. Written as get-then-put so
 * it is right with both `catalog.put` behaviours (overwriting stock, or applying it only on create):
 * it runs at start, before the shop answers a request or the background work runs.
 */
export async function seedSku(loop: Loop, sku: Sku): Promise<void> {
  const existing = await loop.catalog.get(sku.id)
  if (!existing) return void (await loop.catalog.put(sku))
  const refreshed = { ...sku, stock: existing.stock }
  const same = (Object.keys(refreshed) as (keyof Sku)[]).every((k) => refreshed[k] === existing[k])
  if (!same) await loop.catalog.put(refreshed)
}

/** Puts the catalogue into the loop; restarts keep sales and the units pending orders hold. */
export async function seedCatalog(loop: Loop, origin: string): Promise<void> {
  for (const product of products) await seedSku(loop, skuOf(product, origin, product.stock))
}
