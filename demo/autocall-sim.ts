import { randomUUID } from 'node:crypto';
import { ApiClient, describeError, repeatRounds, sleep } from './api-client';
import { asTyped, between, callMix, fullName, mobile } from './data';

/**
 * An AutoCall deployment: a campaign manager (its own machine token) creates a campaign, imports
 * leads (numbers in every format people type them, one invalid, one duplicate) and starts it
 * (→ autocall.campaign.started); the dialer engine (another token) calls the leads two at a time
 * and reports each call (→ autocall.lead.dialed / answered / dtmf_pressed / transferred); the
 * manager pauses and resumes each campaign once (→ paused / resumed); the campaign finishes by
 * itself when its last lead is done (→ finished, all_leads_done), or every third one by hand
 * (→ finished, manual).
 */

interface Lead {
  id: number;
  phone: string;
  status: string;
}

type Plan = 'transfer' | 'confirm' | 'reschedule' | 'no_answer' | 'busy';

const CALLER_ID = '842873001234';
const CAMPAIGNS = [
  'Nhắc lịch hẹn tháng 7',
  'Khảo sát hài lòng sau bảo hành',
  'Nhắc thanh toán hóa đơn',
  'Xác nhận đơn hàng online',
];
/** The first campaign's calls go in this order, so every kind of event shows up at once. */
const planOf = callMix<Plan>(['transfer', 'confirm', 'no_answer'], {
  confirm: 35,
  reschedule: 15,
  transfer: 20,
  no_answer: 20,
  busy: 10,
});
const CONCURRENCY = 2;

interface AutocallSimulation {
  manager: ApiClient;
  dialer: ApiClient;
  signal: AbortSignal;
  onError: (message: string) => void;
}

export function simulateAutocall(opts: AutocallSimulation): { stopped: Promise<void> } {
  return {
    stopped: repeatRounds('AutoCall', (round) => runCampaign(opts, round), {
      signal: opts.signal,
      onError: opts.onError,
      pauseMs: 3000,
    }),
  };
}

/** One call to a lead as the dialer engine reports it, paced like a real one (`pace` < 1: faster). */
async function playCall(
  { dialer, signal }: AutocallSimulation,
  lead: Lead,
  plan: Plan,
  pace: number,
): Promise<void> {
  const uuid = randomUUID();
  const report = (type: string, extra: Record<string, unknown> = {}) =>
    dialer.post('/api/autocall/calls/events', { type, uuid, lead_id: lead.id, ...extra });
  const wait = (min: number, max: number) => sleep(between(min, max) * pace, signal);

  await report('dialed', { caller_id: CALLER_ID });
  await wait(1500, 3000); // ringing
  if (plan === 'no_answer' || plan === 'busy') {
    if (plan === 'busy') await wait(0, 300);
    await report('completed', { result: plan });
    return;
  }
  await report('answered');
  await wait(1500, 3000); // the recorded message plays
  if (plan === 'transfer') {
    await report('dtmf', { digit: '0', action_type: 'talk_to_agent' });
    await wait(500, 1000);
    await report('transferred', { digit: '0', queue_name: 'support' });
    await wait(2000, 4000);
    await report('completed', { result: 'transferred' });
  } else if (plan === 'reschedule') {
    await report('dtmf', { digit: '2', action_type: 'reschedule' });
    await wait(1500, 2500);
    await report('dtmf', { digit: String(between(1, 3)), action_type: 'select_slot' });
    await wait(800, 1500);
    await report('completed', { result: 'answered' });
  } else {
    await report('dtmf', { digit: '1', action_type: 'confirm' });
    await wait(800, 1500);
    await report('completed', { result: 'answered' });
  }
}

/**
 * The round's campaign, created and started with its leads imported (numbers as people type them,
 * one invalid, one duplicate: both reported); returns its id and its pending leads.
 */
async function startCampaign(
  manager: ApiClient,
  round: number,
): Promise<{ id: number; leads: Lead[] }> {
  const created = await manager.post<{ data: { id: number } }>('/api/autocall/campaigns', {
    name: `${CAMPAIGNS[round % CAMPAIGNS.length]} · đợt ${round + 1}`,
    description: 'Simulated by npm run demo',
    max_concurrent: CONCURRENCY,
  });
  const id = created.data.id;
  const phones = Array.from({ length: round === 0 ? 3 : between(4, 7) }, mobile);
  const rows: Record<string, unknown>[] = phones.map((p) => ({
    phone: asTyped(p),
    external_ref: `CRM-${between(10000, 99999)}`,
    payload: {
      customer_name: fullName(),
      appointment: new Date(Date.now() + between(1, 7) * 86_400_000).toISOString(),
    },
  }));
  rows.push({ phone: 'không có số', external_ref: 'CRM-00000' }); // invalid: reported
  rows.push({ phone: `+${phones[0]}` }); // the same number again: a duplicate
  await manager.post(`/api/autocall/campaigns/${id}/leads/import`, { leads: rows });
  await manager.post(`/api/autocall/campaigns/${id}/start`);
  const leads = (
    await manager.get<{ data: Lead[] }>(`/api/autocall/campaigns/${id}/leads?per_page=100`)
  ).data.filter((l) => l.status === 'pending');
  return { id, leads };
}

/**
 * One round: a campaign whose leads are called CONCURRENCY at a time, paused once for a moment;
 * every third one is finished by hand after two calls, the others finish with their last lead.
 */
async function runCampaign(sim: AutocallSimulation, round: number): Promise<void> {
  const { manager, signal } = sim;
  const first = round === 0;
  const pace = first ? 0.6 : 1;
  const manualFinish = round % 3 === 2;
  const { id, leads } = await startCampaign(manager, round);
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let pausedOnce = false;
  let next = 0;
  while (!signal.aborted) {
    const stopDialing = manualFinish && done >= 2;
    while (!stopDialing && inFlight.size < CONCURRENCY && next < leads.length) {
      const p: Promise<void> = playCall(sim, leads[next], planOf(first, next), pace)
        .catch((err: unknown) => {
          if (!signal.aborted) sim.onError(describeError('AutoCall', err));
        })
        .finally(() => {
          inFlight.delete(p);
          done += 1;
        });
      inFlight.add(p);
      next += 1;
      await sleep(between(300, 900) * pace, signal);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
    if (!pausedOnce && !signal.aborted && next < leads.length) {
      // A supervisor pauses the campaign for a moment: no new calls; the ones going on go on.
      pausedOnce = true;
      await manager.post(`/api/autocall/campaigns/${id}/pause`);
      await sleep(2000 * pace, signal);
      await manager.post(`/api/autocall/campaigns/${id}/resume`);
    }
  }
  if (manualFinish && !signal.aborted) {
    await manager.post(`/api/autocall/campaigns/${id}/finish`);
  }
}
