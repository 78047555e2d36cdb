/**
 * Puts text on the clipboard: the async Clipboard API where the page may use it, otherwise the
 * old select-and-execCommand route (WeChat's and older in-app browsers, plain-http pages).
 * Resolves to whether the text was copied.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.cssText = 'position:fixed;top:0;left:0;opacity:0'
    document.body.append(area)
    area.select()
    let copied = false
    try {
      copied = document.execCommand('copy')
    } catch {
      // Refused: the caller shows the link so it can be copied by hand.
    }
    area.remove()
    return copied
  }
}
