// A playground: a real loop on 127.0.0.1 (memory storage, sandbox login) serving a page with a
// share card, rebuilt from source on every start. `pnpm --filter @loopkit/widget dev`
import { startSite } from '../test/_helpers/server.js'

const site = await startSite()
const share = await site.share('duck', 'playground')
console.log(`English:  ${site.pageUrl({ token: share.token, lang: 'en' })}`)
console.log(`Chinese:  ${site.pageUrl({ token: share.token, lang: 'zh' })}`)
console.log(`From sku: ${site.endpoint}/login/sandbox?returnTo=${encodeURIComponent('/page?sku=duck')}`)
console.log('Ctrl+C to stop.')
