// Reed–Solomon over GF(2^8) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D).
// Multiplication is done bit by bit instead of with log/antilog tables: it is a few bytes of
// code instead of 512 bytes of tables, and a share link is encoded once.

/** Product of two field elements. */
export function gfMultiply(x: number, y: number): number {
  let z = 0
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d)
    z ^= ((y >>> i) & 1) * x
  }
  return z
}

/**
 * Coefficients of the generator polynomial (x - α^0)(x - α^1)…(x - α^(degree-1)), highest power
 * first and the leading 1 left out.
 */
export function rsDivisor(degree: number): Uint8Array {
  const result = new Uint8Array(degree)
  result[degree - 1] = 1
  let root = 1
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMultiply(result[j]!, root) ^ (j + 1 < degree ? result[j + 1]! : 0)
    }
    root = gfMultiply(root, 2)
  }
  return result
}

/** The error-correction codewords of `data`: the remainder of data(x)·x^n divided by the generator. */
export function rsRemainder(data: ArrayLike<number>, divisor: Uint8Array): Uint8Array {
  const n = divisor.length
  const result = new Uint8Array(n)
  for (let i = 0; i < data.length; i++) {
    const factor = data[i]! ^ result[0]!
    result.copyWithin(0, 1)
    result[n - 1] = 0
    for (let j = 0; j < n; j++) result[j] = result[j]! ^ gfMultiply(divisor[j]!, factor)
  }
  return result
}
