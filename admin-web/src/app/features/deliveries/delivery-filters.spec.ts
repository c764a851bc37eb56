import { convertToParamMap } from '@angular/router';
import { Delivery } from '../../core/api/api.types';
import { mergeNewest } from '../../core/data/cursor-list';
import {
  DEFAULT_FILTERS,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
  isFiltered,
} from './delivery-filters';

describe('delivery filters', () => {
  const NOW = Date.parse('2026-06-01T12:00:00Z');

  it('reads the URL, ignoring unknown statuses', () => {
    const f = filtersFromParams(
      convertToParamMap({ webhook_id: 'w1', status: 'bogus', range: '24h' }),
    );
    expect(f).toEqual({
      webhook_id: 'w1',
      event: '',
      status: '',
      ordering_key: '',
      range: '24h',
      from: '',
      to: '',
    });
  });

  it('treats explicit from/to as a custom range', () => {
    const f = filtersFromParams(convertToParamMap({ from: '2026-05-01T00:00:00.000Z' }));
    expect(f.range).toBe('custom');
  });

  it('writes only what is set back to the URL', () => {
    expect(
      filtersToParams({
        webhook_id: '',
        event: 'pbx.call.hangup',
        status: 'succeeded',
        ordering_key: '',
        range: 'all',
        from: 'x',
        to: '',
      }),
    ).toEqual({
      webhook_id: null,
      event: 'pbx.call.hangup',
      status: 'succeeded',
      ordering_key: null,
      range: null,
      from: null,
      to: null,
    });
  });

  it('resolves relative ranges to ISO times for the API', () => {
    const q = filtersToQuery(
      { ...DEFAULT_FILTERS, webhook_id: 'w1', status: 'dead_letter', range: '1h' },
      NOW,
    );
    expect(q).toEqual({
      webhook_id: 'w1',
      status: 'dead_letter',
      from: '2026-06-01T11:00:00.000Z',
    });
  });

  it('passes a custom range through', () => {
    const q = filtersToQuery(
      {
        ...DEFAULT_FILTERS,
        range: 'custom',
        from: '2026-05-01T00:00:00.000Z',
        to: '2026-05-02T00:00:00.000Z',
      },
      NOW,
    );
    expect(q).toEqual({ from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z' });
  });

  it('carries the ordering key through the URL (trimmed) to the API query', () => {
    const f = filtersFromParams(convertToParamMap({ ordering_key: '  call:abc-1 ' }));
    expect(f.ordering_key).toBe('call:abc-1');
    expect(isFiltered(f)).toBe(true);
    expect(filtersToParams(f)['ordering_key']).toBe('call:abc-1');
    expect(filtersToQuery(f, NOW)).toEqual({ ordering_key: 'call:abc-1' });
    expect(isFiltered(DEFAULT_FILTERS)).toBe(false);
    expect(filtersToQuery(DEFAULT_FILTERS, NOW)).toEqual({});
  });
});

describe('mergeNewest', () => {
  const row = (id: string, status: Delivery['status']) => ({ id, status }) as Delivery;

  it('updates known rows in place and puts new ones on top', () => {
    const merged = mergeNewest(
      [row('b', 'retrying'), row('a', 'succeeded')],
      [row('c', 'pending'), row('b', 'succeeded')],
    );
    expect(merged.map((d) => `${d.id}:${d.status}`)).toEqual([
      'c:pending',
      'b:succeeded',
      'a:succeeded',
    ]);
  });
});
