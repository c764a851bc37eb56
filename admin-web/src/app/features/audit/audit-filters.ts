import { ParamMap, Params } from '@angular/router';
import { AuditFilters } from '../../core/api/api.types';

/** Filters of the audit log as the URL carries them (times in ISO 8601). */
export interface AuditFilterState {
  action: string;
  actor_id: string;
  target_type: string;
  target_id: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterState = {
  action: '',
  actor_id: '',
  target_type: '',
  target_id: '',
  from: '',
  to: '',
};

const KEYS = Object.keys(EMPTY_AUDIT_FILTERS) as (keyof AuditFilterState)[];

export function auditFiltersFromParams(p: ParamMap): AuditFilterState {
  const out = { ...EMPTY_AUDIT_FILTERS };
  for (const k of KEYS) out[k] = (p.get(k) ?? '').trim();
  return out;
}

export function auditFiltersToParams(f: AuditFilterState): Params {
  const out: Params = {};
  for (const k of KEYS) out[k] = f[k].trim() || null;
  return out;
}

export function auditFiltersToQuery(f: AuditFilterState): AuditFilters {
  const q: AuditFilters = {};
  for (const k of KEYS) {
    const v = f[k].trim();
    if (v) q[k] = v;
  }
  return q;
}

/** Client-side checks matching the API's: `action` like `webhook.created`, `target_type` lowercase. */
export const ACTION_PATTERN = /^[a-z_]+\.[a-z_]+$/;
export const TARGET_TYPE_PATTERN = /^[a-z_]{1,64}$/;
