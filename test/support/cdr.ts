import { randomUUID } from 'node:crypto';

/**
 * A minimal mod_json_cdr document as FreeSWITCH posts it: an answered call from a mobile to
 * extension 1001 (32 s, 26 s talking), with `vars` added to or replacing its variables.
 */
export function minimalCdr(vars: Record<string, unknown> = {}, uuid: string = randomUUID()) {
  return {
    switchname: 'pbx01',
    variables: {
      uuid,
      caller_id_number: '84912345678',
      destination_number: '1001',
      start_epoch: '1782703780',
      answer_epoch: '1782703786',
      end_epoch: '1782703812',
      hangup_cause: 'NORMAL_CLEARING',
      ...vars,
    },
  };
}

/**
 * The answered inbound call of the PBX tests as its hangup publishes it (docs/receiver-guide.md
 * §9), less its call_uuid: 84912345678 → 842873001234 ringing extension 1001, answered after 6 s,
 * 32 s long with 26 s talking. pbx.e2e-spec's cdrDocument and the call-closer spec's CDR are it.
 */
export const ANSWERED_CALL = {
  extension: '1001',
  direction: 'inbound',
  caller_number: '84912345678',
  destination_number: '842873001234',
  started_at: '2026-06-29T03:29:40.123Z',
  answered_at: '2026-06-29T03:29:46.200Z',
  ended_at: '2026-06-29T03:30:12.900Z',
  duration: 32,
  billsec: 26,
  hangup_cause: 'NORMAL_CLEARING',
};
