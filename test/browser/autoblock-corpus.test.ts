// The auto-blocking corpus (docs/auto-blocking.md): one page per DOM insertion path and
// per loader pattern that tag managers and vendors use, with the vendors' hosts routed to
// local stubs (nothing leaves the machine: every other host fails to resolve). For each
// page Chromium's network log must show no request to a blocked host before consent;
// after "Accept all" every held script runs exactly once, in insertion order, and every
// held frame, image and link is requested once; after "Reject all" nothing, across a reload.

import type { BrowserContext, Page, Request } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { action, page, site, useChromium } from './harness.js'

const config = {
  autoBlock: true,
  categories: {
    functional: {
      services: {
        youtube: { domains: ['youtube-nocookie.com', 'youtube.com'] },
        maps: { domains: ['maps.googleapis.com'] },
        intercom: { domains: ['widget.intercom.io', 'js.intercomcdn.com'] },
      },
    },
    analytics: { services: { gtm: { domains: ['googletagmanager.com'] }, ga4: { domains: ['google-analytics.com'] } } },
    advertising: { services: { meta: { domains: ['connect.facebook.net', 'www.facebook.com'] }, doubleclick: { domains: ['doubleclick.net'] } } },
  },
}

const VENDORS =
  /^https:\/\/([\w-]+\.)*(youtube-nocookie\.com|youtube\.com|maps\.googleapis\.com|intercom\.io|intercomcdn\.com|googletagmanager\.com|google-analytics\.com|facebook\.net|facebook\.com|doubleclick\.net|cdn\.allowed\.test)\//
/** Hosts the config blocks (cdn.allowed.test is a third party the config does not list). */
const BLOCKED =
  /^https:\/\/([\w-]+\.)*(youtube-nocookie\.com|youtube\.com|maps\.googleapis\.com|intercom\.io|intercomcdn\.com|googletagmanager\.com|google-analytics\.com|facebook\.net|facebook\.com|doubleclick\.net)\//

const js = (name: string, more = '') => `(window.ran = window.ran || []).push(${JSON.stringify(name)});${more}`
/** What the stub vendors answer: scripts record that they ran; a tag manager and a chat widget load more. */
const STUBS: Record<string, string> = {
  '/gtm.js': js(
    'gtm',
    `var g=document.createElement('script');g.async=true;g.src='https://www.google-analytics.com/analytics.js';document.head.appendChild(g)`,
  ),
  '/gtag/js': js('gtag'),
  '/analytics.js': js('ga'),
  '/en_US/fbevents.js': js('fbevents', `new Image().src='https://www.facebook.com/tr?id=1&ev=PageView'`),
  '/widget/app1': js('intercom', `var f=document.createElement('iframe');f.src='https://js.intercomcdn.com/frame.html';document.body.appendChild(f)`),
  '/a.js': js('a'),
  '/b.js': js('b'),
  '/c.js': js('c'),
  '/m.js': js('m'),
  '/lib.js': js('lib'),
}
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

interface Case {
  name: string
  /** Markup after the Consentry tag in <head>. */
  head?: string
  body: string
  /** What runs after "Accept all", in this order (scripts push their name to window.ran). */
  ran: string[]
  /** Blocked URLs (path part of the stub) that must be requested exactly once after "Accept all". */
  loads: string[]
}

/** The script-tag build with auto-blocking inside (docs/auto-blocking.md). */
const SDK = '/dist/consentry-autoblock.iife.js'
const FB = 'https://connect.facebook.net/en_US/fbevents.js'
const YT = 'https://www.youtube-nocookie.com/embed/abc'
const MAP = 'https://maps.googleapis.com/maps/embed?q=x'
const PIXEL = 'https://www.facebook.com/tr?id=1&ev=PageView'
const AD = 'https://ad.doubleclick.net/pixel.gif'
const inline = (code: string) => `<script>${code}</script>`

const CASES: Case[] = [
  // Insertion paths
  {
    name: 'createElement + src property',
    body: inline(`var s=document.createElement('script');s.src='https://cdn.a.googletagmanager.com/a.js';document.head.appendChild(s)`),
    ran: ['a'],
    loads: ['/a.js'],
  },
  {
    name: 'createElement + setAttribute("src")',
    body: inline(`var s=document.createElement('script');s.setAttribute('src','${FB}');document.head.appendChild(s)`),
    ran: ['fbevents'],
    loads: ['/en_US/fbevents.js', '/tr'],
  },
  {
    name: 'setAttribute("src") then type: the script keeps waiting',
    body: inline(
      `var s=document.createElement('script');s.setAttribute('src','https://x.googletagmanager.com/a.js');s.type='text/javascript';document.body.append(s)`,
    ),
    ran: ['a'],
    loads: ['/a.js'],
  },
  {
    name: 'innerHTML: iframe and image',
    body: `<div id="slot"></div>` + inline(`document.getElementById('slot').innerHTML='<iframe src="${YT}"></iframe><img src="${AD}" alt="">'`),
    ran: [],
    loads: ['/embed/abc', '/pixel.gif'],
  },
  {
    name: 'insertAdjacentHTML: iframe',
    body: `<div id="slot"></div>` + inline(`document.getElementById('slot').insertAdjacentHTML('beforeend','<iframe src="${MAP}"></iframe>')`),
    ran: [],
    loads: ['/maps/embed'],
  },
  {
    name: 'outerHTML: iframe',
    body: `<div id="slot"></div>` + inline(`document.getElementById('slot').outerHTML='<iframe src="${YT}"></iframe>'`),
    ran: [],
    loads: ['/embed/abc'],
  },
  {
    name: 'document.write: script',
    body: inline(`document.write('<script src="https://www.google-analytics.com/analytics.js"><\\/script>')`),
    ran: ['ga'],
    loads: ['/analytics.js'],
  },
  {
    name: 'cloneNode and template content: iframe',
    body: `<template id="t"><iframe src="${YT}"></iframe></template>` + inline(`document.body.append(document.getElementById('t').content.cloneNode(true))`),
    ran: [],
    loads: ['/embed/abc'],
  },
  {
    name: 'cloneNode of a held image',
    body: inline(`var i=new Image();i.src='${AD}';var c=i.cloneNode();document.body.append(c)`),
    ran: [],
    loads: ['/pixel.gif'],
  },
  {
    name: 'iframe .src property',
    body: inline(`var f=document.createElement('iframe');f.src='${MAP}';document.body.append(f)`),
    ran: [],
    loads: ['/maps/embed'],
  },
  { name: 'new Image().src pixel', body: inline(`new Image().src='${PIXEL}'`), ran: [], loads: ['/tr'] },
  {
    name: 'link preload, prefetch and modulepreload',
    body: inline(
      ['preload', 'prefetch', 'modulepreload']
        .map(
          (rel, i) =>
            `var l${i}=document.createElement('link');l${i}.rel='${rel}';${rel === 'preload' ? `l${i}.as='script';` : ''}l${i}.href='https://www.googletagmanager.com/${'abc'[i]}.js';document.head.append(l${i})`,
        )
        .join(';'),
    ),
    ran: [],
    loads: ['/a.js', '/b.js', '/c.js'],
  },
  {
    name: 'embed and object',
    body: inline(
      `var e=document.createElement('embed');e.src='${YT}';document.body.append(e);var o=document.createElement('object');o.data='${MAP}';document.body.append(o)`,
    ),
    ran: [],
    loads: ['/embed/abc', '/maps/embed'],
  },
  {
    name: 'iframe srcdoc loading a tracker',
    body: inline(`var f=document.createElement('iframe');f.srcdoc='<script src="${FB}"><\\/script>';document.body.append(f)`),
    ran: [],
    loads: ['/en_US/fbevents.js', '/tr'],
  },
  {
    name: 'classic and module scripts run once each, in insertion order',
    body: inline(
      `for (const [n, t] of [['a',''],['m','module'],['b',''],['c','']]) { const s=document.createElement('script'); if (t) s.type=t; s.async=false; s.src='https://www.googletagmanager.com/'+n+'.js'; document.body.append(s) }`,
    ),
    ran: ['a', 'm', 'b', 'c'],
    loads: ['/a.js', '/m.js', '/b.js', '/c.js'],
  },
  {
    name: 'gated markup: an inline module runs before the classic script after it',
    body:
      `<script type="text/plain" data-category="analytics" data-type="module">window.ran.push('module')</script>` +
      `<script type="text/plain" data-category="analytics">window.ran.push('classic')</script>`,
    ran: ['module', 'classic'],
    loads: [],
  },
  // Vendor loaders, as their snippets are written
  {
    name: 'tag manager container (GTM snippet, insertBefore the first script; the container loads GA)',
    head: inline(
      `(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-TEST')`,
    ),
    body: '',
    ran: ['gtm', 'ga'],
    loads: ['/gtm.js', '/analytics.js'],
  },
  {
    name: 'analytics (gtag.js loaded by a script, config inline)',
    head: inline(
      `var g=document.createElement('script');g.async=true;g.src='https://www.googletagmanager.com/gtag/js?id=G-TEST';document.head.appendChild(g);window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-TEST')`,
    ),
    body: '',
    ran: ['gtag'],
    loads: ['/gtag/js'],
  },
  {
    name: 'ad pixel (Meta snippet with fbq queue and a noscript-style image)',
    head: inline(
      `!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','${FB}');fbq('init','1');fbq('track','PageView')`,
    ),
    body: inline(`var px=document.createElement('img');px.height=1;px.width=1;px.setAttribute('src','${AD}');document.body.append(px)`),
    ran: ['fbevents'],
    loads: ['/en_US/fbevents.js', '/tr', '/pixel.gif'],
  },
  {
    name: 'video embed (a CMS block written with innerHTML)',
    body:
      `<div class="wp-block-embed"></div>` +
      inline(
        `document.querySelector('.wp-block-embed').innerHTML='<div class="wrapper"><iframe width="560" height="315" src="${YT}" allowfullscreen></iframe></div>'`,
      ),
    ran: [],
    loads: ['/embed/abc'],
  },
  {
    name: 'map embed (createElement + setAttribute)',
    body: inline(`var f=document.createElement('iframe');f.setAttribute('width','600');f.setAttribute('src','${MAP}');document.body.append(f)`),
    ran: [],
    loads: ['/maps/embed'],
  },
  {
    name: 'chat widget (Intercom-style loader on window load; the widget adds its own frame)',
    body: inline(
      `(function(){var w=window;var d=document;var l=function(){var s=d.createElement('script');s.type='text/javascript';s.async=true;s.src='https://widget.intercom.io/widget/app1';var x=d.getElementsByTagName('script')[0];x.parentNode.insertBefore(s,x)};if(document.readyState==='complete'){l()}else{w.addEventListener('load',l,false)}})()`,
    ),
    ran: ['intercom'],
    loads: ['/widget/app1', '/frame.html'],
  },
]

const t = useChromium(
  () =>
    site({}, (req) => {
      const path = new URL(req.url!, 'http://x').pathname
      if (path === '/parser')
        return page(
          config,
          `<script src="https://www.googletagmanager.com/a.js"></script><iframe src="${YT}"></iframe><img src="${AD}" alt=""><link rel="preload" as="script" href="https://www.googletagmanager.com/b.js">` +
            inline(`var l=document.createElement('script');l.src='https://cdn.allowed.test/lib.js';document.body.append(l)`),
          '',
          SDK,
        )
      const found = CASES.findIndex((c) => path === `/case/${CASES.indexOf(c)}`)
      if (found < 0) return undefined
      const c = CASES[found]
      return page(
        config,
        c.body + inline(`var l=document.createElement('script');l.src='https://cdn.allowed.test/lib.js';document.body.append(l)`),
        c.head ?? '',
        SDK,
      )
    }),
  // Nothing leaves the machine: the vendors' hosts are answered by page routes, every other name fails.
  ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
)

/** Routes the vendors' hosts to stubs; returns the log of every request the context makes. */
async function network(context: BrowserContext): Promise<Request[]> {
  const log: Request[] = []
  context.on('request', (r) => log.push(r))
  await context.route(VENDORS, (route) => {
    const url = new URL(route.request().url())
    const stub = STUBS[url.pathname]
    if (stub) return route.fulfill({ body: stub, contentType: 'text/javascript' })
    if (/\.gif$|\/tr$/.test(url.pathname)) return route.fulfill({ body: GIF, contentType: 'image/gif' })
    return route.fulfill({ body: '<!doctype html><p>embed</p>', contentType: 'text/html' })
  })
  return log
}

const blockedRequests = (log: Request[]) => log.map((r) => r.url()).filter((u) => BLOCKED.test(u))
const pathOf = (u: string) => new URL(u).pathname
const ran = (p: Page) => p.evaluate(() => (window as unknown as { ran: string[] }).ran)

/** Waits until the page had its chance: loaded, the SDK ready, the unlisted third-party script run. */
async function settled(p: Page): Promise<void> {
  await p.waitForFunction(() => document.readyState === 'complete' && (window as unknown as { ran?: string[] }).ran?.includes('lib'))
  await p.waitForFunction(() => (window as unknown as { Consentry?: { get(): { id: string } } }).Consentry?.get() !== undefined)
  await action(p, 'accept-all').waitFor()
}

describe('auto-blocking corpus (Chromium, vendors routed to stubs)', () => {
  test.each(CASES.map((c, i) => [c.name, i] as const))('%s: nothing before consent; after Accept all each runs once, in order', async (_, i) => {
    const c = CASES[i]
    const log = await network(t.context)
    await t.page.goto(`${t.server.origin}/case/${i}`)
    await settled(t.page)
    expect(blockedRequests(log)).toEqual([])
    expect(await ran(t.page)).toEqual(['lib'])

    const before = log.length
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page)).toEqual(['lib', ...c.ran])
    await expect.poll(() => c.loads.filter((path) => blockedRequests(log.slice(before)).some((u) => pathOf(u) === path))).toEqual(c.loads)
    // Once each: no script, frame, image or link is requested twice.
    const paths = blockedRequests(log).map(pathOf)
    expect(paths.filter((p, k) => paths.indexOf(p) !== k)).toEqual([])
    expect(t.errors).toEqual([])
  })

  test.each(CASES.map((c, i) => [c.name, i] as const))('%s: after Reject all nothing, across a reload', async (_, i) => {
    const log = await network(t.context)
    await t.page.goto(`${t.server.origin}/case/${i}`)
    await settled(t.page)
    await action(t.page, 'reject-all').click()
    await t.page.reload()
    await t.page.waitForFunction(() => document.readyState === 'complete' && (window as unknown as { ran?: string[] }).ran?.includes('lib'))
    await t.page.waitForFunction(() => (window as unknown as { Consentry?: { get(): { decided: boolean } } }).Consentry?.get().decided === true)
    expect(await ran(t.page)).toEqual(['lib'])
    expect(blockedRequests(log)).toEqual([])
    expect(t.errors).toEqual([])
  })
})

describe('parser-inserted markup (docs/auto-blocking.md: caught after the request)', () => {
  // Chromium's preload scanner fetches <script src>, <img src> and <link rel=preload> of
  // the HTML before any script can see them, and an iframe navigates when the parser
  // inserts it. What auto-blocking still guarantees: nothing of it runs or shows before
  // consent, and it runs once after. Markup gating (type="text/plain", data-src) avoids the request.
  test('a script, an iframe, an image and a preload in the HTML: requested, but nothing runs or shows before consent', async () => {
    const log = await network(t.context)
    await t.page.goto(`${t.server.origin}/parser`)
    await settled(t.page)
    expect(blockedRequests(log).map(pathOf).sort()).toEqual(['/a.js', '/b.js', '/embed/abc', '/pixel.gif'])
    expect(await ran(t.page)).toEqual(['lib'])
    expect(await t.page.locator('[data-consentry-placeholder]').count()).toBe(1)
    expect(await t.page.locator('iframe').getAttribute('src')).toBe('about:blank')
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page)).toEqual(['lib', 'a'])
    await expect.poll(() => t.page.locator('iframe').getAttribute('src')).toBe(YT)
    expect(t.errors).toEqual([])
  })
})
