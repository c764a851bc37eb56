import { EVENT_NAMES, EVENT_TYPES } from '../../src/events/catalogue';
import { EVENT_SCHEMAS, payloadProblems } from './support';

/**
 * The tests' own transcription of docs/receiver-guide.md §9, checked against the catalogue and
 * against itself.
 */
describe('event schemas of the domain tests', () => {
  it('covers exactly the 16 events of the catalogue', () => {
    expect(Object.keys(EVENT_SCHEMAS).sort()).toEqual([...EVENT_NAMES].sort());
    expect(EVENT_NAMES).toHaveLength(16);
  });

  it.each(EVENT_NAMES)('accepts the catalogue sample of %s', (name) => {
    expect(payloadProblems(name, EVENT_TYPES[name].sample)).toEqual([]);
  });

  it('names missing, extra and mistyped fields', () => {
    const { call_uuid: _uuid, ...rest } = EVENT_TYPES['pbx.call.hangup'].sample;
    expect(
      payloadProblems('pbx.call.hangup', { ...rest, duration: '32', answered_at: null, x: 1 }),
    ).toEqual(['missing call_uuid', 'unexpected x', 'duration: "32" is not int']);
    expect(
      payloadProblems('autocall.lead.dtmf_pressed', {
        ...EVENT_TYPES['autocall.lead.dtmf_pressed'].sample,
        digit: '10',
        pressed_at: '2026-06-29 03:05:21',
      }),
    ).toEqual(['digit: "10" is not digit', 'pressed_at: "2026-06-29 03:05:21" is not iso']);
    expect(
      payloadProblems('telesales.lead.created', {
        ...EVENT_TYPES['telesales.lead.created'].sample,
        full_name: null,
      }),
    ).toEqual(['full_name: null is not string']);
  });
});
