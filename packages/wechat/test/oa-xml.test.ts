import { describe, expect, it } from 'vitest'
import { parseWechatXml, readPush, xmlText } from '../src/index.js'

describe('the strict push XML parser', () => {
  it('reads CDATA and bare text, keeps 64-bit ids as strings, and nested subscription lists', () => {
    const root = parseWechatXml(
      '<xml>\n<ToUserName><![CDATA[gh_1]]></ToUserName>\n<FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b & <c>]]></Content><MsgId>6054768590064713728</MsgId></xml>',
    )
    expect(root && xmlText(root, 'Content')).toBe('a]]>b & <c>')
    expect(root && readPush(root)).toMatchObject({
      kind: 'message',
      msgId: '6054768590064713728',
      createTime: 1409735668,
    })
    const popup = parseWechatXml(
      '<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe_msg_change_event</Event><SubscribeMsgPopupEvent><List><TemplateId>T1</TemplateId><SubscribeStatusString>reject</SubscribeStatusString></List></SubscribeMsgPopupEvent></xml>',
    )
    // The older doc sample's wrapper for the change event is accepted too.
    expect(popup && readPush(popup)).toMatchObject({
      kind: 'subscription',
      event: 'change',
      items: [{ templateId: 'T1', status: 'reject' }],
    })
  })

  it('decodes the predefined entities and character references in plain text', () => {
    expect(xmlText(parseWechatXml('<xml><A>a &lt;&amp;&gt; &#20320;&#x597D;</A></xml>')!, 'A')).toBe(
      'a <&> 你好',
    )
  })

  it.each([
    ['a DOCTYPE (XXE)', '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>'],
    ['an undeclared entity', '<xml><A>&x;</A></xml>'],
    ['a bare ampersand', '<xml><A>a & b</A></xml>'],
    ['an inner DOCTYPE', '<xml><!DOCTYPE a><A>1</A></xml>'],
    ['a comment', '<xml><!-- c --><A>1</A></xml>'],
    ['a processing instruction', '<?xml version="1.0"?><xml><A>1</A></xml>'],
    ['attributes', '<xml><A x="1">1</A></xml>'],
    ['a mismatched end tag', '<xml><A>1</B></xml>'],
    ['an unclosed CDATA', '<xml><A><![CDATA[1</A></xml>'],
    ['another root', '<root><A>1</A></root>'],
    ['trailing content', '<xml><A>1</A></xml><xml/>'],
    ['mixed content', '<xml>text<A>1</A></xml>'],
    ['deep nesting', `<xml>${'<a>'.repeat(20)}x${'</a>'.repeat(20)}</xml>`],
    ['too many nodes', `<xml>${'<a>1</a>'.repeat(3_000)}</xml>`],
  ])('refuses %s', (_name, xml) => {
    expect(parseWechatXml(xml)).toBeNull()
  })

  it('a push without a valid sender, time or type is not a push', () => {
    const head = (from: string, time: string) =>
      parseWechatXml(
        `<xml><ToUserName>gh</ToUserName><FromUserName>${from}</FromUserName><CreateTime>${time}</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>`,
      )!
    expect(readPush(head('o1', '1'))).toMatchObject({ kind: 'subscribe', scene: null })
    expect(readPush(head('', '1'))).toBeNull()
    expect(readPush(head('o 1', '1'))).toBeNull()
    expect(readPush(head('o1', 'x'))).toBeNull()
  })
})
