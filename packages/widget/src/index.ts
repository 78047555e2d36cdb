export { encodeQr, type QrCode, type QrOptions } from './qr/encode.js'
export { qrSvg, type QrSvgOptions } from './qr/svg.js'
