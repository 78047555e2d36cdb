import { widgetError } from '../_internal/error.js'
import { applyMask, penalty } from './mask.js'
import { drawCodewords, drawFormatBits, drawFunctionPatterns, newGrid, rawDataModules } from './matrix.js'
import { rsDivisor, rsRemainder } from './reed-solomon.js'

// ISO/IEC 18004 Table 9, error-correction level M only: error-correction codewords per block and
// number of blocks, for versions 1–40.
const eccPerBlock = [
  10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
]
const blockCount = [
  1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
  31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
]

/** An encoded QR symbol: `modules[y * size + x]` is 1 for a dark module. No quiet zone included. */
export interface QrCode {
  /** 1–40. */
  version: number
  /** Modules per side: `4 * version + 17`. */
  size: number
  /** The data mask that was applied, 0–7. */
  mask: number
  /** Row by row, 1 for dark. */
  modules: Uint8Array
}

/** Options of {@link encodeQr}. */
export interface QrOptions {
  /** Smallest version to use (a bigger symbol for short text); the default is 1. */
  minVersion?: number
  /** Force a data mask instead of choosing the one with the lowest penalty (for tests and vectors). */
  mask?: number
}

/** Data codewords (not counting error correction) that a version holds at level M. */
function dataCodewords(version: number): number {
  return Math.floor(rawDataModules(version) / 8) - eccPerBlock[version - 1]! * blockCount[version - 1]!
}

/**
 * Encodes text (as UTF-8, byte mode) into a QR code at error-correction level M, in the smallest
 * version that fits, with the mask of the lowest penalty.
 *
 * @example
 * ```ts
 * const qr = encodeQr('https://shop.example/loop/s/abc123')
 * qr.size // 29 for version 3
 * const dark = qr.modules[y * qr.size + x] === 1
 * ```
 */
export function encodeQr(text: string, options: QrOptions = {}): QrCode {
  const bytes = new TextEncoder().encode(text)
  let version = Math.max(1, options.minVersion ?? 1)
  // 4 mode bits + character count (8 bits below version 10, 16 from there) + the bytes
  while (4 + (version < 10 ? 8 : 16) + bytes.length * 8 > dataCodewords(version) * 8) {
    if (++version > 40) {
      throw widgetError(
        'invalid_input',
        `Text of ${bytes.length} bytes is too long for a QR code (at most 2331).`,
      )
    }
  }
  const capacity = dataCodewords(version)
  const data = new Uint8Array(capacity)
  let bitLength = 0
  const put = (value: number, count: number) => {
    for (let i = count - 1; i >= 0; i--, bitLength++) {
      if ((value >>> i) & 1) data[bitLength >>> 3] = data[bitLength >>> 3]! | (0x80 >>> (bitLength & 7))
    }
  }
  put(0b0100, 4)
  put(bytes.length, version < 10 ? 8 : 16)
  for (const b of bytes) put(b, 8)
  // Terminator and bit padding are zeros already; the pad bytes alternate 0xEC, 0x11.
  bitLength = Math.min(bitLength + 4, capacity * 8)
  for (let i = (bitLength + 7) >>> 3, pad = 0xec; i < capacity; i++, pad ^= 0xec ^ 0x11) data[i] = pad

  const codewords = interleave(data, version)
  const grid = newGrid(version * 4 + 17)
  drawFunctionPatterns(grid, version)
  drawCodewords(grid, codewords)

  let mask = options.mask ?? -1
  if (mask < 0) {
    let best = Infinity
    for (let k = 0; k < 8; k++) {
      applyMask(grid, k)
      drawFormatBits(grid, k)
      const score = penalty(grid)
      if (score < best) {
        best = score
        mask = k
      }
      applyMask(grid, k)
    }
  }
  applyMask(grid, mask)
  drawFormatBits(grid, mask)
  return { version, size: grid.size, mask, modules: grid.modules }
}

/**
 * Splits the data codewords into blocks (the short blocks first), computes each block's
 * Reed–Solomon codewords and interleaves all of them column by column.
 */
function interleave(data: Uint8Array, version: number): Uint8Array {
  const blocks = blockCount[version - 1]!
  const ecc = eccPerBlock[version - 1]!
  const raw = Math.floor(rawDataModules(version) / 8)
  const shortBlocks = blocks - (raw % blocks)
  const shortLength = Math.floor(raw / blocks) - ecc // data codewords in a short block
  const divisor = rsDivisor(ecc)
  const dataBlocks: Uint8Array[] = []
  const eccBlocks: Uint8Array[] = []
  for (let i = 0, offset = 0; i < blocks; i++) {
    const length = shortLength + (i < shortBlocks ? 0 : 1)
    const block = data.subarray(offset, offset + length)
    offset += length
    dataBlocks.push(block)
    eccBlocks.push(rsRemainder(block, divisor))
  }
  const result = new Uint8Array(raw)
  let k = 0
  for (let i = 0; i <= shortLength; i++) {
    for (const block of dataBlocks) if (i < block.length) result[k++] = block[i]!
  }
  for (let i = 0; i < ecc; i++) for (const block of eccBlocks) result[k++] = block[i]!
  return result
}
