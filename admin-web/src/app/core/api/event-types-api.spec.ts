import { apiServiceTest } from '../../../testing/providers';
import { EventType } from './api.types';
import { EventTypesApi, groupByModule } from './event-types-api';

const types: EventType[] = [
  { name: 'pbx.call.ringing', module: 'pbx', description: 'ringing', sample: {} },
  { name: 'telesales.lead.created', module: 'telesales', description: 'lead', sample: {} },
  { name: 'pbx.call.hangup', module: 'pbx', description: 'hangup', sample: {} },
];

describe('EventTypesApi', () => {
  const t = apiServiceTest(EventTypesApi);

  it('fetches the catalogue once and shares it', () => {
    const seen: number[] = [];
    t.api.list().subscribe((t) => seen.push(t.length));
    t.http.expectOne('/api/admin/event-types').flush({ data: types });
    t.api.list().subscribe((t) => seen.push(t.length));
    t.http.expectNone('/api/admin/event-types');
    expect(seen).toEqual([3, 3]);
  });

  it('asks again after a failure', () => {
    let failed = false;
    t.api.list().subscribe({ error: () => (failed = true) });
    t.http
      .expectOne('/api/admin/event-types')
      .flush({ message: 'x' }, { status: 500, statusText: 'Err' });
    expect(failed).toBe(true);
    let count = 0;
    t.api.list().subscribe((t) => (count = t.length));
    t.http.expectOne('/api/admin/event-types').flush({ data: types });
    expect(count).toBe(3);
  });
});

describe('groupByModule', () => {
  it('groups by module in catalogue order', () => {
    const groups = groupByModule(types);
    expect(groups.map((g) => g.module)).toEqual(['pbx', 'telesales']);
    expect(groups[0].events.map((e) => e.name)).toEqual(['pbx.call.ringing', 'pbx.call.hangup']);
  });
});
