// Export of consent records in the structure of ISO/IEC TS 27560:2023 (consent record
// information structure), as JSON-LD with the W3C Data Privacy Vocabulary (DPV), following the
// DPV guide "consent-27560" (docs/collector.md, "Export"): the keys are the 27560 field names,
// and the @context maps each to its DPV / Dublin Core term, so the same file reads as 27560 JSON
// and as DPV linked data. One record per stored receipt; erased receipts and erasure/purge
// records are left out (they say nothing about a person any more). The evidence (the JWS as
// signed, its log and leaf index, the countersignature) travels in the consentry: namespace.

import { receivedAtOf } from './log.js'
import type { LogEntry } from './storage/types.js'

const DPV_CONTEXT = {
  dpv: 'https://w3id.org/dpv#',
  dct: 'http://purl.org/dc/terms/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  consentry: 'https://consentry.dev/ns#',
  record_id: '@id',
  schema_version: 'dct:conformsTo',
  pii_principal_id: 'dpv:hasDataSubject',
  privacy_notice: { '@id': 'dpv:hasNotice', '@type': '@id' },
  language: 'dct:language',
  purpose: 'dpv:hasPurpose',
  purpose_name: 'dct:title',
  consent_status: { '@id': 'dpv:hasConsentStatus', '@type': '@id' },
  pii_controllers: 'dpv:hasDataController',
  party_name: 'dct:title',
  party_id: 'dct:identifier',
  jurisdiction: 'dpv:hasJurisdiction',
  events: 'dpv:hasEvent',
  event_time: { '@id': 'dct:created', '@type': 'xsd:dateTime' },
  event_type: 'dct:type',
  event_state: { '@id': 'dpv:hasConsentStatus', '@type': '@id' },
  entity_id: 'dpv:hasEntity',
  withdrawal_method: { '@id': 'dpv:hasWithdrawalMethod', '@type': '@id' },
}

const STATUS = { given: 'dpv:ConsentGiven', refused: 'dpv:ConsentRefused', withdrawn: 'dpv:ConsentWithdrawn' } as const

interface Claims {
  jti: string
  sub: string
  iat: number
  event: string
  source?: string
  categories?: Record<string, boolean>
  origin?: string
  controller?: string
  policyUrl?: string
  region?: string
  texts?: { lang?: string }
  revision?: number
}

/** The 27560 record of one stored receipt, or undefined for erased receipts and records. */
export function dpvRecord(e: LogEntry): Record<string, unknown> | undefined {
  if (e.kind !== 'receipt' || e.jws === null) return undefined
  const claims = JSON.parse(Buffer.from(e.jws.split('.')[1]!, 'base64url').toString('utf8')) as Claims
  const categories = Object.entries(claims.categories ?? {})
  const anyOptional = categories.some(([name, on]) => name !== 'necessary' && on)
  // updated/renewed are consent given (or refused, if nothing optional is allowed any more).
  const state = claims.event in STATUS ? STATUS[claims.event as keyof typeof STATUS] : anyOptional ? STATUS.given : STATUS.refused
  return {
    record_id: `urn:uuid:${claims.jti}`,
    '@type': 'dpv:ConsentRecord',
    schema_version: 'ISO/IEC TS 27560:2023',
    pii_principal_id: claims.sub,
    ...(claims.policyUrl ? { privacy_notice: claims.policyUrl } : {}),
    ...(claims.texts?.lang ? { language: claims.texts.lang } : {}),
    purpose: categories.map(([name, on]) => ({ purpose_name: name, consent_status: on ? STATUS.given : STATUS.refused })),
    pii_controllers: [{ party_name: claims.controller ?? null, party_id: claims.origin ?? null }],
    ...(claims.region ? { jurisdiction: claims.region } : {}),
    withdrawal_method: claims.origin ?? null,
    events: [
      { event_time: new Date(claims.iat * 1000).toISOString(), event_type: claims.event, event_state: state, entity_id: claims.sub },
      { event_time: receivedAtOf(e.receivedMs), event_type: 'received', event_state: state, entity_id: claims.origin ?? null },
    ],
    'consentry:source': claims.source ?? null,
    'consentry:revision': claims.revision ?? null,
    'consentry:jws': e.jws,
    'consentry:logIndex': e.logIndex,
    'consentry:leafIndex': e.logIndex - 1,
    'consentry:countersignature': e.countersignature,
  }
}

/** The start and end of a JSON-LD document whose @graph holds the records (streamed between). */
export const dpvOpen = (): string => `{"@context":${JSON.stringify(DPV_CONTEXT)},"@graph":[\n`
export const dpvClose = (): string => ']}\n'
