import { describeOptionValue, type LoopIssue, loopError, type RenderedMessage } from '@loopkit/core'
import { isKeywordType, type KeywordType, keywordProblem, truncateThing, typeOfKey } from './keywords.js'
import type { WechatMessagesOptions } from './messages.js'

/** One keyword of a WeChat template: its type and which value of the rendered message fills it. */
export interface WechatTemplateField {
  type: KeywordType
  /**
   * A key of the message's `fields`; `title`, `body` and `url` fall back to the message's own
   * properties when `fields` has no such key.
   */
  from: string
  /** `thing` only: cut to 20 characters (ending in `…`) instead of refusing the message. */
  truncate?: boolean
}

/** How one topic is sent: an official-account template message or a mini-program subscribe message. */
export type WechatTemplate =
  | {
      kind: 'template'
      templateId: string
      fields: Record<string, WechatTemplateField>
      /** Open a mini-program page instead of the message's `url` (WeChat prefers it when both are set). */
      miniprogram?: { appid: string; pagepath: string | ((message: RenderedMessage) => string) }
    }
  | {
      kind: 'subscribe'
      templateId: string
      fields: Record<string, WechatTemplateField>
      /** The mini-program page the message opens, e.g. `pages/order/index?id=…`. */
      page?: string | ((message: RenderedMessage) => string)
    }

const fromMessage = (message: RenderedMessage, from: string): string | undefined =>
  message.fields[from] ?? (from === 'title' || from === 'body' || from === 'url' ? message[from] : undefined)

/** Refuses, at construction, templates WeChat would reject or the loop would miscount. */
export function checkTemplates(options: WechatMessagesOptions): void {
  const subscribeIds = new Map<string, string>()
  for (const [topic, template] of Object.entries(options.templates)) {
    const where = `template \`${topic}\``
    if (!template.templateId)
      throw loopError('wechat', 'configuration', `Missing \`templateId\` in ${where}.`)
    if (template.kind === 'template' && !options.officialAccount) {
      throw loopError(
        'wechat',
        'configuration',
        `Missing required option \`officialAccount\` for ${where} (kind 'template').`,
      )
    }
    if (template.kind === 'subscribe') {
      if (!options.miniProgram)
        throw loopError(
          'wechat',
          'configuration',
          `Missing required option \`miniProgram\` for ${where} (kind 'subscribe').`,
        )
      // Consents are counted per topic and WeChat credits per template: sharing one would miscount.
      const other = subscribeIds.get(template.templateId)
      if (other)
        throw loopError(
          'wechat',
          'configuration',
          `Topics \`${other}\` and \`${topic}\` share a subscribe template; give each its own.`,
        )
      subscribeIds.set(template.templateId, topic)
    }
    for (const [key, field] of Object.entries(template.fields)) {
      if (!isKeywordType(field.type))
        throw loopError(
          'wechat',
          'configuration',
          `Unknown keyword type ${describeOptionValue(field.type)} for \`${key}\` in ${where}.`,
        )
      const named = typeOfKey(key)
      if (named && named !== field.type) {
        throw loopError(
          'wechat',
          'configuration',
          `Keyword \`${key}\` is a \`${named}\` in WeChat, not a \`${field.type}\` (${where}).`,
        )
      }
      if (field.truncate && field.type !== 'thing')
        throw loopError(
          'wechat',
          'configuration',
          `\`truncate\` only applies to \`thing\` keywords (\`${key}\` in ${where}).`,
        )
    }
  }
}

/** The template's `data` for a message, or `message_invalid` listing every keyword that breaks WeChat's rules. */
export function renderTemplate(
  template: WechatTemplate,
  message: RenderedMessage,
): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {}
  const issues: LoopIssue[] = []
  for (const [key, field] of Object.entries(template.fields)) {
    let value = fromMessage(message, field.from)
    if (value === undefined) {
      issues.push({
        path: ['fields', field.from],
        message: `\`${key}\` takes \`${field.from}\`, which the message does not have`,
      })
      continue
    }
    if (field.truncate) value = truncateThing(value)
    const problem = keywordProblem(field.type, value)
    if (problem)
      issues.push({
        path: ['fields', field.from],
        message: `\`${key}\` (${field.type}) ${problem}`,
        code: '47003',
      })
    data[key] = { value }
  }
  if (issues.length > 0) {
    const summary = issues.map((i) => i.message).join('; ')
    throw loopError(
      'wechat',
      'message_invalid',
      `Topic \`${message.topic}\` breaks WeChat's keyword rules: ${summary}.`,
      { issues, providerCode: '47003' },
    )
  }
  return data
}
