// The demo page's own script: shows what Consentry decided and what ran.
const ran = document.getElementById('ran')
window.demoRan = (what) => {
  const li = document.createElement('li')
  li.textContent = `${new Date().toLocaleTimeString()} — ${what}`
  ran.append(li)
}

const show = (state) => {
  document.getElementById('state').textContent = JSON.stringify(state, null, 2)
}
window.addEventListener('consentry:ready', (event) => show(event.detail))
window.addEventListener('consentry:change', (event) => show(event.detail))
if (window.Consentry) show(window.Consentry.get())

document.getElementById('reset').addEventListener('click', () => window.Consentry.reset())
// "Cookie settings" in the header needs no script: data-consentry="preferences" opens the preference centre.

// The visitor's receipts as the collector countersigned them (the collector runs beside the demo).
async function listReceipts() {
  const list = document.getElementById('receipts')
  if (!window.Consentry?.receipts) return
  const receipts = await window.Consentry.receipts()
  list.replaceChildren(
    ...receipts.map((r) => {
      const li = document.createElement('li')
      li.textContent = `#${r.seq} ${r.event} (${r.source}) — ${r.status}${r.ack?.logIndex !== undefined ? `, countersigned, collector log #${r.ack.logIndex}` : ''}`
      return li
    }),
  )
}
window.addEventListener('consentry:change', () => setTimeout(listReceipts, 1500))
window.addEventListener('consentry:ready', listReceipts)

// The layout and theme switcher: the same config with another `ui`, started again (init()
// replaces the running setup) and the banner shown, whatever was decided before.
// Where each layout may stand, as the validator says (src/config/shape.ts).
const PLACES = { bar: ['bottom', 'top'], box: ['bottom', 'top', 'bottom-left', 'bottom-right', 'middle'], cloud: ['bottom', 'top', 'middle'] }
const look = document.getElementById('look')
let base
look.addEventListener('change', async () => {
  base ??= await (await fetch('/consent.json')).json()
  const form = look.elements
  const layout = form.layout.value
  for (const option of form.position.options) option.disabled = !PLACES[layout].includes(option.value)
  if (!PLACES[layout].includes(form.position.value)) form.position.value = PLACES[layout][0]
  document.documentElement.lang = form.lang.value
  document.documentElement.dir = form.lang.value === 'ar' ? 'rtl' : 'ltr'
  await window.Consentry.init({
    ...base,
    ui: {
      ...base.ui,
      layout,
      position: form.position.value,
      flipButtons: form.flipButtons.checked,
      theme: { ...base.ui.theme, scheme: form.scheme.value, accent: form.accent.value },
    },
  })
  window.Consentry.show()
})
