// Shared by the config shape and the `tcf` key's shape (tcf-shape.ts).

/** Only http(s), relative or mailto links reach the page (no `javascript:`). */
export const isSafeUrl = (value: string): boolean => /^(https?:\/\/|mailto:|\/|\.{0,2}\/|#|\?)/i.test(value) || /^[\w-][\w./-]*$/.test(value)
