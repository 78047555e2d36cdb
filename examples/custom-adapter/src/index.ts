export { classifyAnswer } from './classify.js'
export { SIGNATURE_HEADER, signBody, verifyBody } from './signature.js'
export { type WebhookMessage, type WebhookMessagingOptions, webhookMessaging } from './webhook-messaging.js'
