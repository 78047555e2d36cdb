/** A sellable unit with a price and, optionally, a finite stock. */
export interface Sku {
  id: string
  title: string
  description: string | null
  imageUrl: string | null
  /** Minor units of `currency`. */
  price: number
  currency: string
  /** Units left; `null` means not stock-tracked. */
  stock: number | null
  active: boolean
}
