import { randomUUID } from 'node:crypto';
import { EVENT_TYPES } from '../../src/events/catalogue';
import { EventBus } from '../../src/events/event-bus';
import { ClaimedEvent, OutboxRelay } from '../../src/events/outbox-relay';
import { TestApp, useApp } from '../support/app';
import { waitFor } from '../support/wait';

/** The relay hands every subscriber the event's ordering key and sequence (for fan-out). */
describe('outbox relay: claimed events carry their ordering key and sequence', () => {
  let t: TestApp;
  const claimed: ClaimedEvent[] = [];

  useApp((app) => {
    t = app;
    t.app.get(OutboxRelay).subscribe({
      name: 'test-probe',
      handle: (_tx, events) => {
        claimed.push(...events);
        return Promise.resolve();
      },
    });
  });

  it('gives orderingKey and sequence (a number) of each claimed event', async () => {
    const call = randomUUID();
    const ringing = { ...EVENT_TYPES['pbx.call.ringing'].sample, call_uuid: call };
    const answered = { ...EVENT_TYPES['pbx.call.answered'].sample, call_uuid: call };
    await t.db.transaction((tx) =>
      t.app.get(EventBus).publishMany(tx, [
        { name: 'pbx.call.ringing', data: ringing },
        { name: 'pbx.call.answered', data: answered },
      ]),
    );
    const mine = await waitFor(
      () => {
        const found = claimed.filter((e) => e.orderingKey === `call:${call}`);
        return found.length === 2 ? found : null;
      },
      { what: 'both events claimed by the relay' },
    );
    expect(mine.map((e) => [e.eventName, e.orderingKey, e.sequence])).toEqual([
      ['pbx.call.ringing', `call:${call}`, 1],
      ['pbx.call.answered', `call:${call}`, 2],
    ]);
  });
});
