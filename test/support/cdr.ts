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
