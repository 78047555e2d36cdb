/**
 * Issue #13, stock buckets: a tracked SKU's stock is split over sixteen rows of `sku_stock`, so
 * concurrent buyers of one SKU claim different rows instead of queueing on one row lock. The total
 * (what `getSku` reports) is the sum of the buckets; a SKU without rows does not track stock (the
 * old `stock IS NULL`). Existing stock is split evenly (exactly: the remainder goes to the first
 * buckets), and every reservation an order holds is tagged with the bucket a release gives it back
 * to; a reservation of an untracked SKU took nothing, so it is dropped (releasing it after the SKU
 * started tracking stock would have created units from nothing).
 *
 * The bucket count is fixed here (16): a later change of `STOCK_BUCKETS` applies to SKUs whose stock
 * is set afterwards, and releases find the bucket an order took from either way.
 */
export function stockBuckets(s: string): string {
  return `
CREATE TABLE ${s}.sku_stock (
  sku_id text NOT NULL REFERENCES ${s}.skus (id) ON DELETE CASCADE,
  bucket integer NOT NULL CHECK (bucket >= 0),
  stock bigint NOT NULL CHECK (stock >= 0),
  PRIMARY KEY (sku_id, bucket)
);
INSERT INTO ${s}.sku_stock (sku_id, bucket, stock)
  SELECT k.id, b, k.stock / 16 + CASE WHEN b < k.stock % 16 THEN 1 ELSE 0 END
  FROM ${s}.skus k, generate_series(0, 15) AS b
  WHERE k.stock IS NOT NULL;
UPDATE ${s}.orders o SET reserved = coalesce((
    SELECT jsonb_agg(jsonb_build_object('skuId', e->>'skuId', 'quantity', (e->>'quantity')::bigint, 'bucket', 0)
                     ORDER BY n)
    FROM jsonb_array_elements(o.reserved) WITH ORDINALITY AS t(e, n)
    JOIN ${s}.skus k ON k.id = e->>'skuId' AND k.stock IS NOT NULL
  ), '[]'::jsonb)
  WHERE o.reserved <> '[]'::jsonb;
ALTER TABLE ${s}.skus DROP COLUMN stock;
`
}
