export { oaCall } from './api.js'
export type { ApplyConfig, ApplyOutcome } from './apply.js'
export {
  aesKeyOf,
  type DecryptResult,
  decryptMessage,
  encryptMessage,
  type SafeModeFailure,
} from './crypto.js'
export { wechatCustomerService } from './customer-service.js'
export { type FollowerImport, importFollowers } from './followers.js'
export { type MassMessage, type MassSendResult, type WechatMassSend, wechatMassSend } from './mass-send.js'
export {
  clientMsgIdOf,
  massJobId,
  type WechatMassSendChannelOptions,
  wechatMassSendChannel,
} from './mass-send-channel.js'
export {
  type WechatOfficialAccount,
  type WechatOfficialAccountOptions,
  wechatOfficialAccount,
} from './official-account.js'
export { type OfficialAccountPush, readPush, type SubscriptionItem } from './push.js'
export { createQrCode, MAX_QR_EXPIRE_SECONDS, type OfficialAccountQrCode } from './qrcode.js'
export { encryptedReply, type PassiveReply, replyXml } from './reply.js'
export { messageSignature, verifyMessageSignature } from './signature.js'
export {
  MAX_TAGS_PER_USER,
  type OfficialAccountTag,
  syncCustomerTags,
  TAG_BATCH,
  type TagSyncResult,
  wechatTags,
} from './tags.js'
export { type MessageMode, type PushRefusal, type VerifiedPush, verifyPush } from './verify-push.js'
export { cdata, parseWechatXml, type XmlNode, xmlChild, xmlText } from './xml.js'
