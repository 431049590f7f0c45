import { modeFor } from './region.js'
import { subjectKey } from './subject.js'
import type { CategoryConfig, Config, CookieOptions, Mode, ServiceConfig } from './types.js'

/** A config with every default filled in: what core, effects and ui work from. */
export interface Resolved {
  source: Config
  revision: number
  /** The mode for this visitor's region (`mode` may be rules by region). */
  mode: Mode
  /** The visitor's region as given (config, else `data-region`), upper case; undefined when unknown. */
  region?: string
  cookie: Required<Omit<CookieOptions, 'secure'>> & { secure: boolean }
  /** In display order; `necessary` first and always required. */
  categories: { name: string; required: boolean; config: CategoryConfig; services: { name: string; key: string; config: ServiceConfig }[] }[]
  policyUrl?: string
}

export const DEFAULT_CATEGORIES: Record<string, CategoryConfig> = {
  necessary: { required: true },
  functional: {},
  analytics: {},
  advertising: {},
}

export function resolve(config: Config, secureContext: boolean, detectedRegion?: string | null): Resolved {
  const region = (config.region ?? detectedRegion)?.trim().toUpperCase() || undefined
  const declared = config.categories ?? DEFAULT_CATEGORIES
  // necessary is always there and always first (docs/config.md).
  const names = ['necessary', ...Object.keys(declared).filter((name) => name !== 'necessary')]
  return {
    source: config,
    revision: config.revision ?? 1,
    mode: modeFor(config.mode, region),
    region,
    cookie: {
      name: 'consentry',
      domain: '',
      path: '/',
      sameSite: 'Lax',
      expiresDays: 182,
      secure: secureContext,
      ...config.cookie,
    },
    categories: names.map((name) => {
      const category = declared[name] ?? {}
      return {
        name,
        required: name === 'necessary' || !!category.required,
        config: category,
        services: Object.entries(category.services ?? {}).map(([service, serviceConfig]) => ({
          name: service,
          key: subjectKey(name, service),
          config: serviceConfig,
        })),
      }
    }),
    policyUrl: config.policyUrl ?? config.receipts?.policyUrl,
  }
}
