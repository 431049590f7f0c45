// Consentry config playground: a form for consent.json beside the real banner.
// The preview is dist/consentry.iife.js in an iframe (Consentry.init(config) on each
// edit); the problems come from dist/consentry-validate.js, the same code as
// `npx consentry validate`. No network: everything is served from this origin.
;(() => {
  const V = window.ConsentryValidate
  const $ = (selector, root = document) => root.querySelector(selector)

  /** @type {Record<string, any>} */
  let config = {
    $schema: 'https://unpkg.com/consentry/consentry.schema.json',
    revision: 1,
    policyUrl: '/privacy.html',
    categories: {
      necessary: { required: true },
      analytics: {
        services: {
          stats: {
            title: 'SiteStats',
            provider: 'SiteStats Inc.',
            description: 'Counts visits so that we can see which pages are useful.',
            cookies: ['_ga', '/^_ga_/'],
          },
        },
      },
      advertising: {},
    },
    ui: { layout: 'bar', position: 'bottom', theme: { accent: '#0b57d0' } },
  }

  const TEXT_KEYS = [
    ['banner.title', 'Banner title'],
    ['banner.description', 'Banner text'],
    ['banner.acceptAll', '"Accept all" button'],
    ['banner.rejectAll', '"Reject all" button'],
    ['banner.preferences', '"Manage preferences" button'],
    ['banner.policyLink', 'Privacy policy link'],
    ['preferences.title', 'Preference centre title'],
    ['preferences.description', 'Preference centre text'],
    ['preferences.save', '"Save choices" button'],
  ]
  const LANGS =
    'ar bg bs ca cs da de el en es es-419 et eu fa fi fr ga gl he hr hu is it ja ko lt lv mt nb nl pl pt pt-BR ro ru sk sl sr sv tr uk zh-CN zh-TW'.split(' ')

  // ------------------------------------------------------------ config helpers

  const isEmpty = (v) => v === undefined || v === '' || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)

  function getPath(obj, path) {
    return path.split('.').reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), obj)
  }

  /** Sets `path` to `value`; an empty value removes the key, and parents left empty go too. */
  function setPath(obj, path, value) {
    const keys = path.split('.')
    const chain = [obj]
    for (const key of keys.slice(0, -1)) {
      const node = chain[chain.length - 1]
      if (!node[key] || typeof node[key] !== 'object') node[key] = {}
      chain.push(node[key])
    }
    const last = keys[keys.length - 1]
    if (isEmpty(value)) delete chain[chain.length - 1][last]
    else chain[chain.length - 1][last] = value
    for (let i = keys.length - 1; i > 0; i--) if (isEmpty(chain[i])) delete chain[i - 1][keys[i - 1]]
  }

  /** A new object with `from` renamed to `to`, keeping the key order. */
  const renameKey = (obj, from, to) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k === from ? to : k, v]))

  const unique = (base, taken) => {
    for (let i = 1; ; i++) if (!(base + i in taken)) return base + i
  }

  // ------------------------------------------------------------ fields and their messages

  /** Every input that stands for a config path, with where its messages go. */
  let fields = []
  let uid = 0

  function field({ label, path, value = '', multiline = false, type = 'text', onInput }) {
    const id = `pf-${++uid}`
    const row = document.createElement('div')
    row.className = 'row'
    const lab = document.createElement('label')
    lab.htmlFor = id
    lab.textContent = label
    const input = document.createElement(multiline ? 'textarea' : 'input')
    input.id = id
    if (multiline) input.rows = 2
    if (type === 'checkbox') {
      input.type = 'checkbox'
      input.checked = !!value
    } else input.value = value ?? ''
    input.addEventListener(type === 'checkbox' ? 'change' : 'input', () => {
      onInput(type === 'checkbox' ? input.checked : input.value, input)
      changed()
    })
    const msg = document.createElement('div')
    msg.className = 'msg'
    msg.id = id + '-msg'
    row.append(lab, input, msg)
    fields.push({ input, msg, path })
    return row
  }

  function button(text, onClick, className = '') {
    const b = document.createElement('button')
    b.type = 'button'
    b.textContent = text
    if (className) b.className = className
    b.addEventListener('click', onClick)
    return b
  }

  // ------------------------------------------------------------ categories and services

  function renderCategories() {
    fields = fields.filter((f) => !f.dynamic)
    const root = $('#categories')
    root.textContent = ''
    for (const name of Object.keys(config.categories ?? {})) root.append(categoryBox(name))
  }

  function categoryBox(initial) {
    let name = initial
    const cat = () => config.categories[name]
    const box = document.createElement('fieldset')
    box.className = 'category'
    const legend = document.createElement('legend')
    legend.textContent = `Category “${name}”`
    box.append(legend)
    const mark = (start) => {
      for (let i = start; i < fields.length; i++) fields[i].dynamic = true
    }
    const start = fields.length
    const msgFor = (suffix) => () => `categories.${name}${suffix}`
    box.append(
      field({
        label: 'Name',
        path: msgFor(''),
        value: name,
        onInput: (value, input) => {
          if (value !== name && value in config.categories) {
            input.setCustomValidity('Another category has this name')
            input.reportValidity()
            return
          }
          input.setCustomValidity('')
          config.categories = renameKey(config.categories, name, value)
          name = value
          legend.textContent = `Category “${name}”`
        },
      }),
      field({
        label: 'Always on (required)',
        type: 'checkbox',
        path: msgFor('.required'),
        value: cat().required,
        onInput: (v) => setPath(cat(), 'required', v || undefined),
      }),
      field({ label: 'Title', path: msgFor('.title'), value: cat().title, onInput: (v) => setPath(cat(), 'title', v) }),
      field({
        label: 'Description',
        multiline: true,
        path: msgFor('.description'),
        value: cat().description,
        onInput: (v) => setPath(cat(), 'description', v),
      }),
    )
    mark(start)
    const services = document.createElement('div')
    for (const service of Object.keys(cat().services ?? {})) services.append(serviceBox(() => name, service))
    box.append(services)
    box.append(Object.assign(document.createElement('div'), { className: 'actions' }))
    const actions = box.lastChild
    const add = button('Add service', () => {
      const c = cat()
      c.services ??= {}
      const service = unique('service', c.services)
      c.services[service] = {}
      const sbox = serviceBox(() => name, service)
      services.append(sbox)
      $('input', sbox).focus()
      changed()
    })
    const remove = button(
      'Remove category',
      () => {
        delete config.categories[name]
        box.remove()
        fields = fields.filter((f) => box.contains(f.input) === false && document.contains(f.input))
        $('#add-category').focus()
        changed()
      },
      'remove',
    )
    actions.append(add, remove)
    return box
  }

  function serviceBox(categoryName, initial) {
    let name = initial
    const svc = () => config.categories[categoryName()].services[name]
    const box = document.createElement('fieldset')
    box.className = 'service'
    const legend = document.createElement('legend')
    legend.textContent = `Service “${name}”`
    box.append(legend)
    const start = fields.length
    const at = (suffix) => () => `categories.${categoryName()}.services.${name}${suffix}`
    const cookieNames = () => (svc().cookies ?? []).map((c) => (typeof c === 'string' ? c : c.name)).join(', ')
    box.append(
      field({
        label: 'Name',
        path: at(''),
        value: name,
        onInput: (value, input) => {
          const all = config.categories[categoryName()].services
          if (value !== name && value in all) {
            input.setCustomValidity('Another service in this category has this name')
            input.reportValidity()
            return
          }
          input.setCustomValidity('')
          config.categories[categoryName()].services = renameKey(all, name, value)
          name = value
          legend.textContent = `Service “${name}”`
        },
      }),
      field({ label: 'Title', path: at('.title'), value: svc().title, onInput: (v) => setPath(svc(), 'title', v) }),
      field({ label: 'Provider', path: at('.provider'), value: svc().provider, onInput: (v) => setPath(svc(), 'provider', v) }),
      field({ label: 'Description', multiline: true, path: at('.description'), value: svc().description, onInput: (v) => setPath(svc(), 'description', v) }),
      field({ label: 'Privacy policy URL', path: at('.policyUrl'), value: svc().policyUrl, onInput: (v) => setPath(svc(), 'policyUrl', v) }),
      field({
        label: 'Cookies (comma-separated, /regex/ allowed)',
        path: at('.cookies'),
        value: cookieNames(),
        onInput: (v) => {
          const old = svc().cookies ?? []
          const names = v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
          // Described cookies (objects) keep their details while their name stays listed.
          const cookies = names.map((n) => old.find((c) => typeof c === 'object' && c.name === n) ?? n)
          setPath(svc(), 'cookies', cookies.length ? cookies : undefined)
        },
      }),
    )
    for (let i = start; i < fields.length; i++) fields[i].dynamic = true
    const remove = button(
      'Remove service',
      () => {
        delete config.categories[categoryName()].services[name]
        setPath(config.categories[categoryName()], 'services', config.categories[categoryName()].services)
        const next = box.closest('fieldset.category')
        box.remove()
        fields = fields.filter((f) => document.contains(f.input))
        $('button', next.querySelector(':scope > .actions'))?.focus()
        changed()
      },
      'remove',
    )
    const actions = Object.assign(document.createElement('div'), { className: 'actions' })
    actions.append(remove)
    box.append(actions)
    return box
  }

  // ------------------------------------------------------------ texts per language

  function renderTexts() {
    const lang = $('#f-text-lang').value.trim()
    fields = fields.filter((f) => !f.texts)
    const root = $('#texts')
    root.textContent = ''
    if (!lang) return
    const start = fields.length
    for (const [key, label] of TEXT_KEYS) {
      root.append(
        field({
          label,
          multiline: key.endsWith('description'),
          path: () => `translations.${lang}.${key}`,
          value: getPath(config.translations?.[lang] ?? {}, key),
          onInput: (v) => {
            config.translations ??= {}
            config.translations[lang] ??= {}
            setPath(config.translations[lang], key, v)
            if (isEmpty(config.translations[lang])) delete config.translations[lang]
            if (isEmpty(config.translations)) delete config.translations
          },
        }),
      )
    }
    for (let i = start; i < fields.length; i++) fields[i].texts = true
  }

  // ------------------------------------------------------------ static fields (data-bind)

  function bindStatic() {
    for (const input of document.querySelectorAll('[data-bind]')) {
      const path = input.dataset.bind
      const msg = document.createElement('div')
      msg.className = 'msg'
      msg.id = input.id + '-msg'
      input.after(msg)
      fields.push({ input, msg, path: () => path, static: true })
      input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', () => {
        let value = input.value.trim()
        if (input.dataset.type === 'integer' && value !== '') value = Number(value)
        setPath(config, path, value === '' ? undefined : value)
        changed()
      })
    }
  }

  function fillStatic() {
    for (const f of fields.filter((x) => x.static)) {
      const value = getPath(config, f.path())
      f.input.value = value === undefined || typeof value === 'object' ? '' : String(value)
    }
  }

  function renderAll() {
    fillStatic()
    renderCategories()
    renderTexts()
  }

  // ------------------------------------------------------------ validation

  const json = $('#json')
  let lastText = ''

  /** The field for a finding's path: itself, else its nearest parent that has one. */
  function fieldFor(path) {
    let p = path
    for (;;) {
      const f = fields.find((x) => x.path() === p)
      if (f) return f
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['))
      if (cut < 0) return undefined
      p = p.slice(0, cut)
    }
  }

  async function validate(text) {
    const report = await V.check(text)
    for (const f of fields) {
      f.msg.textContent = ''
      f.msg.className = 'msg'
      f.input.removeAttribute('aria-invalid')
      f.input.removeAttribute('aria-describedby')
    }
    const list = $('#problems')
    list.textContent = ''
    for (const finding of report.findings) {
      const f = fieldFor(finding.path)
      if (f) {
        const line = document.createElement('div')
        line.textContent = `${finding.severity === 'error' ? 'Error' : finding.severity === 'warning' ? 'Warning' : 'Note'}: ${finding.path === f.path() ? '' : finding.path + ': '}${finding.message}`
        f.msg.append(line)
        f.msg.classList.toggle('warning', finding.severity !== 'error' && !f.msg.classList.contains('has-error'))
        if (finding.severity === 'error') {
          f.msg.classList.add('has-error')
          f.input.setAttribute('aria-invalid', 'true')
        }
        f.input.setAttribute('aria-describedby', f.msg.id)
      }
      const li = document.createElement('li')
      li.className = finding.severity
      li.textContent = `${finding.line}:${finding.column} ${finding.severity} ${finding.path || '(root)'}: ${finding.message}`
      li.append(
        button(f ? 'Go to field' : 'Show in file', () => {
          if (f) f.input.focus()
          else {
            const offset =
              text
                .split('\n')
                .slice(0, finding.line - 1)
                .join('\n').length +
              (finding.line > 1 ? 1 : 0) +
              finding.column -
              1
            json.focus()
            json.setSelectionRange(offset, offset)
          }
        }),
      )
      list.append(li)
    }
    $('#summary').textContent = report.findings.length
      ? `${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}${report.valid ? ' — valid' : ' — not valid: the SDK would fail closed'}`
      : 'No problems: this config is valid.'
    $('#hash').textContent = report.sha256 ? `Config SHA-256 (the "config" value in receipts): ${report.sha256}` : ''
    document.body.dataset.valid = String(report.valid)
    return report
  }

  // ------------------------------------------------------------ preview

  const frame = $('#preview')
  let previewRun = 0

  async function preview() {
    const w = frame.contentWindow
    if (!w?.Consentry) return
    const run = ++previewRun
    const cfg = JSON.parse(JSON.stringify(config))
    // The preview must not send receipts anywhere nor overwrite this site's own consent cookie.
    delete cfg.receipts
    if (cfg.cookie && typeof cfg.cookie === 'object') cfg.cookie = { ...cfg.cookie, name: 'consentry_playground', domain: '' }
    else cfg.cookie = { name: 'consentry_playground' }
    const lang = $('#f-preview-lang').value.trim()
    if (/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang))
      cfg.language = { ...(typeof cfg.language === 'object' ? cfg.language : {}), default: lang, autoDetect: false }
    await w.Consentry.init(cfg)
    if (run !== previewRun) return
    const view = $('input[name="view"]:checked').value
    if (view === 'preferences') w.Consentry.showPreferences()
    else w.Consentry.show()
    document.body.dataset.previewed = String(run)
  }

  frame.addEventListener('load', () => void preview())
  for (const radio of document.querySelectorAll('input[name="view"]')) radio.addEventListener('change', () => void preview())
  $('#f-preview-lang').addEventListener('change', () => void preview())

  // ------------------------------------------------------------ edits

  let timer
  function changed() {
    lastText = JSON.stringify(config, null, 2) + '\n'
    json.value = lastText
    $('#json-status').textContent = ''
    clearTimeout(timer)
    timer = setTimeout(() => {
      void validate(lastText)
      void preview()
    }, 120)
  }

  /** A whole file (loaded or typed): the form follows when it is a JSON object. */
  async function setText(text, source) {
    json.value = text
    lastText = text
    let parsed
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      config = parsed
      renderAll()
      $('#json-status').textContent = source ? `Loaded ${source}.` : ''
      await validate(text)
      await preview()
    } else {
      $('#json-status').textContent = 'The file is not a JSON object yet: the form and preview wait until it is.'
      await validate(text)
    }
  }

  json.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => void setText(json.value), 250)
  })

  $('#add-category').addEventListener('click', () => {
    config.categories ??= {}
    const name = unique('category', config.categories)
    config.categories[name] = {}
    const box = categoryBox(name)
    $('#categories').append(box)
    $('input', box).focus()
    changed()
  })

  $('#f-text-lang').addEventListener('change', renderTexts)

  $('#download').addEventListener('click', () => {
    const blob = new Blob([json.value], { type: 'application/json' })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = 'consent.json'
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  })

  /** A `consentry scan --format json` report: its `draft` is a config to start from (docs/scanner.md). */
  const isScan = (value) =>
    value &&
    typeof value === 'object' &&
    typeof value.scannedAt === 'string' &&
    Array.isArray(value.cookies) &&
    value.draft &&
    typeof value.draft === 'object' &&
    !Array.isArray(value.draft)

  $('#load').addEventListener('change', async (event) => {
    const file = event.target.files?.[0]
    if (!file) return
    const text = await file.text()
    let scan
    try {
      scan = JSON.parse(text)
    } catch {
      scan = undefined
    }
    if (isScan(scan)) {
      await setText(JSON.stringify(scan.draft, null, 2) + '\n')
      const violations = Array.isArray(scan.violations) ? scan.violations.length : 0
      $('#json-status').textContent =
        `Loaded the config draft from the scan of ${scan.url} (${file.name}: ${scan.cookies.length} cookie records, ${violations} violation${violations === 1 ? '' : 's'}). ` +
        'Check each service’s wording before you publish it.'
    } else await setText(text, file.name)
    event.target.value = ''
  })

  $('#known-langs').append(...LANGS.map((l) => Object.assign(document.createElement('option'), { value: l })))

  bindStatic()
  renderAll()
  changed()
})()
