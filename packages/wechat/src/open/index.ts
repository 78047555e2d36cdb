export { type WechatAccessToken, type WechatAccessTokenOptions, wechatAccessToken } from './access-token.js'
export { wechatError } from './errors.js'
export type { FetchLike, WechatCall } from './http.js'
export { jsSdkSignature, type WechatJsSdkOptions, wechatJsSdk } from './js-sdk.js'
export { type KeywordType, keywordProblem } from './keywords.js'
export { type WechatLoginOptions, type WechatOAuthScope, wechatLogin } from './login.js'
export {
  type WechatMessagesOptions,
  type WechatMessaging,
  type WechatTemplate,
  type WechatTemplateField,
  wechatMessages,
} from './messages.js'
export {
  type WechatMiniProgramLogin,
  type WechatMiniProgramLoginOptions,
  wechatMiniProgramLogin,
} from './mini-program-login.js'
