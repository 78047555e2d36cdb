/** One element of WeChat's push XML: its text (CDATA or plain) or its child elements. */
export interface XmlNode {
  name: string
  text: string
  children: XmlNode[]
}

const MAX_DEPTH = 8
const MAX_NODES = 2_000
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

class XmlRefused extends Error {}

/**
 * A small strict parser for WeChat's push XML (`<xml>` with flat or shallowly nested elements,
 * text in CDATA or plain). It refuses what WeChat never sends and attackers like: DOCTYPE and
 * entity declarations, processing instructions, attributes, undeclared entities, comments, deep
 * nesting and huge node counts. Null for anything it refuses.
 *
 * @example
 * ```ts
 * const root = parseWechatXml('<xml><MsgType><![CDATA[text]]></MsgType></xml>')
 * xmlText(root!, 'MsgType') // 'text'
 * ```
 */
export function parseWechatXml(source: string): XmlNode | null {
  let i = 0
  let nodes = 0
  const fail = (): never => {
    throw new XmlRefused()
  }
  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i] as string)) i++
  }
  const decode = (raw: string): string =>
    raw.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[a-z]+);|&/g, (_all, ref: string | undefined) => {
      if (ref === undefined) return fail()
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10)
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fail()
      }
      return ENTITIES[ref] ?? fail()
    })
  const element = (depth: number): XmlNode => {
    if (depth > MAX_DEPTH || ++nodes > MAX_NODES) fail()
    if (source[i] !== '<') fail()
    i++
    const name = NAME.exec(source.slice(i, i + 100))?.[0] ?? fail()
    i += name.length
    skipSpace()
    if (source.startsWith('/>', i)) {
      i += 2
      return { name, text: '', children: [] }
    }
    if (source[i] !== '>') fail() // attributes: WeChat never sends any
    i++
    let text = ''
    const children: XmlNode[] = []
    for (;;) {
      if (i >= source.length) fail()
      if (source.startsWith('<![CDATA[', i)) {
        const end = source.indexOf(']]>', i + 9)
        if (end < 0) fail()
        text += source.slice(i + 9, end)
        i = end + 3
      } else if (source.startsWith('</', i)) {
        i += 2
        if (!source.startsWith(name, i)) fail()
        i += name.length
        skipSpace()
        if (source[i] !== '>') fail()
        i++
        // Whitespace between child elements is layout, not content.
        return { name, text: children.length > 0 ? '' : text, children }
      } else if (source[i] === '<') {
        if (source[i + 1] === '!' || source[i + 1] === '?') fail() // DOCTYPE, entities, comments, PIs
        if (text.trim() !== '') fail() // mixed content
        children.push(element(depth + 1))
      } else {
        const next = source.indexOf('<', i)
        if (next < 0) fail()
        const raw = source.slice(i, next)
        if (children.length > 0 && raw.trim() !== '') fail() // mixed content
        text += decode(raw)
        i = next
      }
    }
  }
  try {
    skipSpace()
    const root = element(1)
    skipSpace()
    if (i !== source.length || root.name !== 'xml') return null
    return root
  } catch (error) {
    if (error instanceof XmlRefused || error instanceof RangeError) return null
    throw error
  }
}

/**
 * The text of the first child called `name`, or undefined.
 *
 * @example
 * ```ts
 * xmlText(parseWechatXml('<xml><Event>SCAN</Event></xml>')!, 'Event') // 'SCAN'
 * ```
 */
export function xmlText(node: XmlNode, name: string): string | undefined {
  return node.children.find((c) => c.name === name)?.text
}

/**
 * The first child called `name`, or undefined.
 *
 * @example
 * ```ts
 * const wrapper = xmlChild(root, 'SubscribeMsgPopupEvent')
 * ```
 */
export function xmlChild(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name)
}

/**
 * Text as a CDATA section; `]]>` inside is split across two sections.
 *
 * @example
 * ```ts
 * cdata('a]]>b') // '<![CDATA[a]]]]><![CDATA[>b]]>'
 * ```
 */
export function cdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`
}
