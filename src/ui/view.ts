import { atom } from 'nanostores'

/** Which layer is on screen. Set by the API (`show()`, `hide()`) and by the UI's own buttons. */
export type View = 'hidden' | 'banner' | 'preferences'
export const $view = atom<View>('hidden')
