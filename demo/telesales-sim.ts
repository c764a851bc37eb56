import { randomUUID } from 'node:crypto';
import { ApiClient, repeatRounds, sleep } from './api-client';
import {
  asTyped,
  between,
  emailFor,
  fullName,
  mobile,
  pick,
  PRODUCTS,
  PROVINCES,
  weighted,
} from './data';

/**
 * A telesales team working through campaigns with the Telesales API: it creates a campaign,
 * imports leads in bulk (one row invalid and one a duplicate, to show the per-row report) and
 * adds one by hand (→ telesales.lead.created), then its agents call the leads one after the
 * other, now and then edit a lead (→ telesales.lead.updated) and set each call's outcome
 * (→ telesales.call.disposed, the lead's update, and telesales.campaign.completed after the last
 * lead). Then the next campaign.
 */

interface Lead {
  id: number;
  full_name: string;
  phone: string;
}

const AGENTS = ['1001', '1002', '1003'];
const CAMPAIGNS = [
  'Khuyến mãi hè 2026',
  'Gia hạn Gói Premium',
  'Bảo hiểm xe máy – khách cũ',
  'Thẻ tín dụng hoàn tiền',
];
type Outcome = 'INTERESTED' | 'CALLBACK' | 'NOT_INTERESTED' | 'NO_ANSWER' | 'WRONG_NUMBER';
const NOTES: Record<Outcome, string[]> = {
  INTERESTED: [
    'Khách muốn nhận báo giá qua email',
    'Customer asked for a quote by email',
    'Hẹn ký hợp đồng tuần sau',
  ],
  CALLBACK: ['Khách bận, gọi lại sáng mai', 'Busy in a meeting, call back tomorrow morning'],
  NOT_INTERESTED: ['Đã dùng dịch vụ bên khác', 'Not interested at the moment'],
  NO_ANSWER: ['Không nghe máy'],
  WRONG_NUMBER: ['Sai số, người nghe không phải khách hàng'],
};

function leadRow(): Record<string, unknown> {
  const name = fullName();
  return {
    full_name: name,
    phone: asTyped(mobile()),
    email: Math.random() < 0.6 ? emailFor(name) : null,
    custom_fields: {
      province: pick(PROVINCES),
      product: pick(PRODUCTS),
      source: pick(['website', 'hotline', 'đại lý']),
    },
  };
}

/** Tomorrow 09:00 in Vietnam (UTC+7), as ISO 8601 UTC. */
function tomorrowMorning(): string {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  d.setUTCHours(2, 0, 0, 0);
  return d.toISOString();
}

export function simulateTelesales(opts: {
  api: ApiClient;
  signal: AbortSignal;
  onError: (message: string) => void;
}): { stopped: Promise<void> } {
  const { api, signal } = opts;

  async function campaign(round: number): Promise<void> {
    const first = round === 0;
    const pace = first ? 0.6 : 1;
    const name = `${CAMPAIGNS[round % CAMPAIGNS.length]} · đợt ${round + 1}`;
    const created = await api.post<{ data: { id: number } }>('/api/telesales/campaigns', {
      name,
      dialer_mode: pick(['progressive', 'preview', 'predictive']),
      description: 'Simulated by npm run demo',
    });
    const id = created.data.id;
    const rows = Array.from({ length: first ? 2 : between(3, 6) }, leadRow);
    // One row with a bad phone and one repeating a phone: reported by the import, not created.
    rows.push({ full_name: fullName(), phone: '12345', custom_fields: {} });
    rows.push({ ...rows[0], full_name: fullName() });
    await api.post(`/api/telesales/campaigns/${id}/leads/bulk-import`, { leads: rows });
    if (signal.aborted) return;
    await sleep(500 * pace, signal);
    await api.post(`/api/telesales/campaigns/${id}/leads`, leadRow());
    const leads = (
      await api.get<{ data: Lead[] }>(`/api/telesales/campaigns/${id}/leads?per_page=100`)
    ).data;

    for (const [index, lead] of leads.entries()) {
      if (signal.aborted) return;
      await sleep(between(1200, 2600) * pace, signal);
      if (signal.aborted) return;
      if ((first && index === 0) || Math.random() < 0.3) {
        await api.patch(`/api/telesales/leads/${lead.id}`, {
          custom_fields: { product: pick(PRODUCTS), last_contact_channel: 'phone' },
          ...(Math.random() < 0.4 ? { email: emailFor(lead.full_name) } : {}),
        });
      }
      const outcome: Outcome = weighted<Outcome>([
        ['INTERESTED', 30],
        ['CALLBACK', 20],
        ['NOT_INTERESTED', 25],
        ['NO_ANSWER', 20],
        ['WRONG_NUMBER', 5],
      ]);
      await api.post(`/api/telesales/leads/${lead.id}/dispositions`, {
        call_uuid: randomUUID(),
        agent_extension: pick(AGENTS),
        disposition_code: outcome,
        note: pick(NOTES[outcome]),
        ...(outcome === 'CALLBACK' ? { callback_at: tomorrowMorning() } : {}),
      });
    }
  }

  return {
    stopped: repeatRounds('Telesales', campaign, { signal, onError: opts.onError, pauseMs: 2500 }),
  };
}
