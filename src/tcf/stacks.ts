// What the first layer lists (docs/tcf.md, "What the visitor sees"): the purposes and
// special features the shown vendors ask for, grouped into the vendor list's stacks
// where a stack fits. TCF Policy lets a CMP present purposes in stacks; a purpose may
// appear in one stack only, and a stack may not name a purpose nobody asks for.

import type { Gvl, GvlVendor } from './gvl.js'

export interface Uses {
  /** Purposes some shown vendor asks for, on consent or legitimate interest. */
  purposes: number[]
  specialPurposes: number[]
  features: number[]
  specialFeatures: number[]
}

const union = (lists: number[][]): number[] => [...new Set(lists.flat())].sort((a, b) => a - b)

export function uses(vendors: GvlVendor[]): Uses {
  return {
    purposes: union(vendors.flatMap((v) => [v.purposes, v.legIntPurposes, v.flexiblePurposes])),
    specialPurposes: union(vendors.map((v) => v.specialPurposes)),
    features: union(vendors.map((v) => v.features)),
    specialFeatures: union(vendors.map((v) => v.specialFeatures)),
  }
}

/**
 * The first layer's lines: stacks first (the largest that fits what is still to say, again
 * and again), then each purpose and special feature no chosen stack covers. Each line is
 * a name from the vendor list.
 */
export function firstLayerLines(gvl: Gvl, used: Uses): string[] {
  let purposes = used.purposes
  let features = used.specialFeatures
  const lines: string[] = []
  const fits = (list: number[], left: number[]) => list.every((id) => left.includes(id))
  for (;;) {
    const best = Object.values(gvl.stacks)
      .filter((s) => s.purposes.length + s.specialFeatures.length > 1 && fits(s.purposes, purposes) && fits(s.specialFeatures, features))
      .sort((a, b) => b.purposes.length + b.specialFeatures.length - a.purposes.length - a.specialFeatures.length || a.id - b.id)[0]
    if (!best) break
    lines.push(best.name)
    purposes = purposes.filter((id) => !best.purposes.includes(id))
    features = features.filter((id) => !best.specialFeatures.includes(id))
  }
  for (const id of purposes) lines.push(gvl.purposes[id]?.name ?? '')
  for (const id of features) lines.push(gvl.specialFeatures[id]?.name ?? '')
  return lines.filter(Boolean)
}
