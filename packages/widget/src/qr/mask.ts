import type { Grid } from './matrix.js'

// The eight data-mask conditions of ISO/IEC 18004 §7.8.2 (x is the column, y the row).
const conditions: Array<(x: number, y: number) => boolean> = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
]

/** XORs mask `mask` onto every non-function module (applying it twice undoes it). */
export function applyMask(g: Grid, mask: number): void {
  const test = conditions[mask]!
  const s = g.size
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      const i = y * s + x
      if (!g.reserved[i] && test(x, y)) g.modules[i] = g.modules[i]! ^ 1
    }
  }
}

/**
 * The penalty score of ISO/IEC 18004 §7.8.3 that decides the mask: N1 runs of five or more,
 * N2 2×2 blocks, N3 finder look-alikes (1:1:3:1:1 with four light modules on one side),
 * N4 deviation of the dark proportion from 50 % in steps of 5 %.
 */
export function penalty(g: Grid): number {
  const s = g.size
  const m = g.modules
  let score = 0
  let dark = 0
  for (let a = 0; a < s; a++) {
    // Both directions at once: (a, b) walks row a, (b, a) walks column a.
    let runRow = 0
    let runCol = 0
    let winRow = 0
    let winCol = 0
    for (let b = 0; b < s; b++) {
      const r = m[a * s + b]!
      const c = m[b * s + a]!
      dark += r
      runRow = b > 0 && r === m[a * s + b - 1] ? runRow + 1 : 1
      runCol = b > 0 && c === m[(b - 1) * s + a] ? runCol + 1 : 1
      if (runRow === 5) score += 3
      else if (runRow > 5) score++
      if (runCol === 5) score += 3
      else if (runCol > 5) score++
      winRow = ((winRow << 1) & 0x7ff) | r
      winCol = ((winCol << 1) & 0x7ff) | c
      if (b >= 10) {
        if (winRow === 0x5d0 || winRow === 0x05d) score += 40
        if (winCol === 0x5d0 || winCol === 0x05d) score += 40
      }
      if (a > 0 && b > 0) {
        const i = a * s + b
        if (r === m[i - 1] && r === m[i - s] && r === m[i - s - 1]) score += 3
      }
    }
  }
  return score + Math.floor(Math.abs(dark * 20 - s * s * 10) / (s * s)) * 10
}
