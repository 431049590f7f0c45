// Which pages a scan visits: the start page, then the site's sitemap.xml when it lists
// same-origin pages, else the links of the pages visited, breadth first, in document
// order. Everything is bounded — links read per page, sitemap size and nesting,
// queue length — so a site with thousands of links costs no more than `--pages`.

/** Links read from one page, in document order. */
export const LINKS_PER_PAGE = 1000
/** Sitemap bytes read at most (the protocol's own limit is 50 MB uncompressed; pages come first). */
const SITEMAP_BYTES = 10 * 1024 * 1024
/** Child sitemaps of a sitemap index that are read. */
const CHILD_SITEMAPS = 5

/** Files a browser would download rather than render: never worth a page visit. */
const NOT_PAGES =
  /\.(?:pdf|zip|gz|tgz|rar|7z|dmg|exe|msi|apk|jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|mp[34]|m4[av]|webm|ogg|wav|mov|avi|css|js|mjs|json|xml|txt|csv|xlsx?|docx?|pptx?|woff2?|ttf|otf|eot)$/i

/** `href` as a page of `origin` to visit (no fragment), or undefined. */
export function pageUrl(href: string, origin: string): string | undefined {
  let url: URL
  try {
    url = new URL(href, origin)
  } catch {
    return undefined
  }
  if (url.origin !== origin || !/^https?:$/.test(url.protocol) || NOT_PAGES.test(url.pathname)) return undefined
  url.hash = ''
  return url.href
}

const sameOrigin = (href: string, origin: string): string | undefined => {
  try {
    const url = new URL(href, origin)
    return url.origin === origin ? url.href : undefined
  } catch {
    return undefined
  }
}

/** The pages still to visit, first found first; each page once. */
export class Frontier {
  private readonly seen = new Set<string>()
  private readonly queue: string[] = []
  constructor(
    readonly origin: string,
    private readonly limit: number,
  ) {}

  /** Adds the same-origin pages among `hrefs`; the queue never grows past what can still be visited. */
  add(hrefs: Iterable<string>): void {
    for (const href of hrefs) {
      const url = pageUrl(href, this.origin)
      if (!url || this.seen.has(url)) continue
      if (this.queue.length >= this.limit) return
      this.seen.add(url)
      this.queue.push(url)
    }
  }

  /** Marks a page as visited (the start page, or where a redirect ended). */
  visited(url: string): void {
    this.seen.add(url)
  }

  next(): string | undefined {
    return this.queue.shift()
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const unescapeXml = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name])

/** The `<loc>` URLs of a sitemap or sitemap index, and which of the two it is. */
export function parseSitemap(xml: string): { index: boolean; locs: string[] } {
  const locs = [...xml.matchAll(/<loc>\s*([^<]+?)\s*<\/loc>/gi)].map((m) => unescapeXml(m[1]))
  return { index: /<sitemapindex[\s>]/i.test(xml), locs }
}

/** GET that resolves to the body, or undefined on any failure (a sitemap is optional). */
export type Fetch = (url: string) => Promise<string | undefined>

/** Same-origin pages listed by `origin`/sitemap.xml (one level of sitemap index), at most `limit`. */
export async function sitemapPages(origin: string, limit: number, fetch: Fetch): Promise<string[]> {
  const pages: string[] = []
  const read = async (url: string, depth: number): Promise<void> => {
    const xml = await fetch(url)
    if (!xml || xml.length > SITEMAP_BYTES) return
    const { index, locs } = parseSitemap(xml)
    if (index) {
      if (depth > 0) return
      for (const child of locs
        .map((loc) => sameOrigin(loc, origin))
        .filter((url) => url !== undefined)
        .slice(0, CHILD_SITEMAPS)) {
        if (pages.length >= limit) return
        await read(child, depth + 1)
      }
      return
    }
    for (const loc of locs) {
      const page = pageUrl(loc, origin)
      if (page && !pages.includes(page)) pages.push(page)
      if (pages.length >= limit) return
    }
  }
  await read(`${origin}/sitemap.xml`, 0)
  return pages
}
