// Key K1 of shared/reference/protocols.md Appendix A.1: the official WeChat Pay documentation's
// sample merchant key, published for tests (V-A3 is computed with it). Kept once, with the WeChat
// tests' other published keys.
export { K1_PRIVATE_KEY, K1_PUBLIC_KEY } from '../../wechat/test/pay-keys.js'
