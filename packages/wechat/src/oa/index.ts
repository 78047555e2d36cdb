export type { ApplyConfig, ApplyOutcome } from './apply.js'
export { aesKeyOf, type DecryptResult, decryptMessage, encryptMessage, type SafeModeFailure } from './crypto.js'
export {
  type WechatOfficialAccount,
  type WechatOfficialAccountOptions,
  wechatOfficialAccount,
} from './official-account.js'
export { type OfficialAccountPush, readPush, type SubscriptionItem } from './push.js'
export { encryptedReply, type PassiveReply, replyXml } from './reply.js'
export { messageSignature, verifyMessageSignature } from './signature.js'
export { type MessageMode, type PushRefusal, type VerifiedPush, verifyPush } from './verify-push.js'
export { cdata, parseWechatXml, type XmlNode, xmlChild, xmlText } from './xml.js'
