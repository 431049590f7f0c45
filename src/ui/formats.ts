// Locale-aware formats for the preference centre. Building the page's first Intl formatter
// loads the locale's ICU data: 21 ms at 1× in Node, and in a CPU profile of opening the centre at
// 4× CPU in Chromium, most of the opening (test/bench/README.md, "Figures behind design choices").
// So each is built once per language, and warmed when the centre's chunk arrives on intent
// (second-layer.tsx), before the click that opens it.

interface Formats {
  /** "182 days", "182 Tage". */
  days: Intl.NumberFormat
  /** A decision's time, as `Date#toLocaleString` shows it. */
  date: Intl.DateTimeFormat
}

const cache: Record<string, Formats> = {}

export const formats = (lang: string): Formats =>
  (cache[lang] ??= {
    days: new Intl.NumberFormat(lang, { style: 'unit', unit: 'day', unitDisplay: 'long' }),
    date: new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }),
  })
