// The module grid of a QR symbol (ISO/IEC 18004 §6.3): function patterns, then the codewords
// laid in the two-column zigzag. `reserved` marks function modules so data and masks skip them.

/** A square of modules, row by row; 1 is dark. */
export interface Grid {
  size: number
  modules: Uint8Array
  reserved: Uint8Array
}

export function newGrid(size: number): Grid {
  return { size, modules: new Uint8Array(size * size), reserved: new Uint8Array(size * size) }
}

function setFunction(g: Grid, x: number, y: number, dark: boolean | number): void {
  const i = y * g.size + x
  g.modules[i] = dark ? 1 : 0
  g.reserved[i] = 1
}

/** Centres of the alignment patterns along one axis (ISO Annex E), computed rather than tabulated. */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return []
  const count = Math.floor(version / 7) + 2
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2
  const result = [6]
  for (let pos = version * 4 + 10; result.length < count; pos -= step) result.splice(1, 0, pos)
  return result
}

/** Modules left for data and error correction once the function patterns are drawn. */
export function rawDataModules(version: number): number {
  let result = (16 * version + 128) * version + 64
  if (version >= 2) {
    const count = Math.floor(version / 7) + 2
    result -= (25 * count - 10) * count - 55
    if (version >= 7) result -= 36
  }
  return result
}

/**
 * Format information: the ECC level bits and the mask, BCH(15,5)-protected and XORed with 0x5412,
 * written twice. ECC level M is `00`.
 */
export function drawFormatBits(g: Grid, mask: number): void {
  let rem = mask
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537)
  const bits = ((mask << 10) | rem) ^ 0x5412
  const bit = (i: number) => (bits >>> i) & 1
  const s = g.size
  for (let i = 0; i <= 5; i++) setFunction(g, 8, i, bit(i))
  setFunction(g, 8, 7, bit(6))
  setFunction(g, 8, 8, bit(7))
  setFunction(g, 7, 8, bit(8))
  for (let i = 9; i < 15; i++) setFunction(g, 14 - i, 8, bit(i))
  for (let i = 0; i < 8; i++) setFunction(g, s - 1 - i, 8, bit(i))
  for (let i = 8; i < 15; i++) setFunction(g, 8, s - 15 + i, bit(i))
  setFunction(g, 8, s - 8, 1) // the dark module
}

/** Finders with separators, timing, alignment, reserved format area and version information. */
export function drawFunctionPatterns(g: Grid, version: number): void {
  const s = g.size
  for (let i = 0; i < s; i++) {
    setFunction(g, 6, i, i % 2 === 0)
    setFunction(g, i, 6, i % 2 === 0)
  }
  for (const [cx, cy] of [
    [3, 3],
    [s - 4, 3],
    [3, s - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx
        const y = cy + dy
        const d = Math.max(Math.abs(dx), Math.abs(dy))
        if (x >= 0 && x < s && y >= 0 && y < s) setFunction(g, x, y, d !== 2 && d !== 4)
      }
    }
  }
  const pos = alignmentPositions(version)
  const n = pos.length
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // The three corners that a finder already occupies get no alignment pattern.
      if ((i === 0 && j === 0) || (i === 0 && j === n - 1) || (i === n - 1 && j === 0)) continue
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          setFunction(g, pos[i]! + dx, pos[j]! + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1)
        }
      }
    }
  }
  drawFormatBits(g, 0) // reserves the area; the real bits are drawn once the mask is chosen
  if (version >= 7) {
    let rem = version
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25)
    const bits = (version << 12) | rem
    for (let i = 0; i < 18; i++) {
      const a = s - 11 + (i % 3)
      const b = Math.floor(i / 3)
      const dark = (bits >>> i) & 1
      setFunction(g, a, b, dark)
      setFunction(g, b, a, dark)
    }
  }
}

/** Lays the codewords, most significant bit first, upwards and downwards in two-module columns. */
export function drawCodewords(g: Grid, codewords: Uint8Array): void {
  const s = g.size
  const total = codewords.length * 8
  let i = 0
  for (let right = s - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5 // the vertical timing pattern is skipped as a whole column
    const upward = ((right + 1) & 2) === 0
    for (let vert = 0; vert < s; vert++) {
      const y = upward ? s - 1 - vert : vert
      for (let j = 0; j < 2; j++) {
        const k = y * s + right - j
        if (!g.reserved[k] && i < total) {
          g.modules[k] = (codewords[i >>> 3]! >>> (7 - (i & 7))) & 1
          i++
        }
      }
    }
  }
}
