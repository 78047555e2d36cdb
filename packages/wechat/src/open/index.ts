export { wechatAccessToken, type WechatAccessToken, type WechatAccessTokenOptions } from './access-token.js'
export { wechatError } from './errors.js'
export type { FetchLike } from './http.js'
export { jsSdkSignature, wechatJsSdk, type WechatJsSdkOptions } from './js-sdk.js'
export { type KeywordType, keywordProblem } from './keywords.js'
export { wechatLogin, type WechatLoginOptions, type WechatOAuthScope } from './login.js'
export {
  wechatMessages,
  type WechatMessagesOptions,
  type WechatMessaging,
  type WechatTemplate,
  type WechatTemplateField,
} from './messages.js'
export { wechatMiniProgramLogin, type WechatMiniProgramLogin, type WechatMiniProgramLoginOptions } from './mini-program-login.js'
