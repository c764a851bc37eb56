import type { ReceivedDelivery } from './receiver';

/** A few words on what an event says, for the receiver's line. */
export function describeEvent(event: string, d: Record<string, unknown>): string {
  const s = (key: string): string => {
    const value = d[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };
  switch (event) {
    case 'pbx.call.ringing':
      return `ext ${s('extension')} ringing: ${s('caller_number')} → ${s('destination_number')} (${s('direction')})`;
    case 'pbx.call.answered':
      return `ext ${s('extension')} answered ${s('caller_number')}`;
    case 'pbx.call.hangup':
      return `ext ${s('extension')} ${s('hangup_cause')} after ${s('duration')} s (${s('billsec')} s talk)`;
    case 'pbx.cdr.created':
      return `CDR ${s('result')}, ${s('billsec')} s billed${d.queue_name ? `, queue ${s('queue_name')}` : ''}${d.recording_url ? ', recorded' : ''}`;
    case 'telesales.lead.created':
      return `lead #${s('id')} ${s('full_name')} ${s('phone')} (campaign #${s('campaign_id')})`;
    case 'telesales.lead.updated':
      return `lead #${s('id')} changed ${Array.isArray(d.changed_fields) ? d.changed_fields.join(', ') : ''}`;
    case 'telesales.call.disposed':
      return `lead #${s('lead_id')} ${s('disposition_code')} by ext ${s('agent_extension')}`;
    case 'telesales.campaign.completed':
      return `campaign #${s('campaign_id')} "${s('name')}": all ${s('total_leads')} leads dialed`;
    case 'autocall.campaign.started':
    case 'autocall.campaign.paused':
    case 'autocall.campaign.resumed':
      return `campaign #${s('campaign_id')} "${s('name')}" ${s('status')}`;
    case 'autocall.campaign.finished':
      return `campaign #${s('campaign_id')} "${s('name')}" finished (${s('finished_reason')}, ${s('completed_leads')}/${s('total_leads')} leads)`;
    case 'autocall.lead.dialed':
      return `lead #${s('lead_id')} ${s('phone')} dialed, attempt ${s('attempt_number')}`;
    case 'autocall.lead.answered':
      return `lead #${s('lead_id')} ${s('phone')} answered`;
    case 'autocall.lead.dtmf_pressed':
      return `lead #${s('lead_id')} pressed ${s('digit')}${d.action_type ? ` (${s('action_type')})` : ''}`;
    case 'autocall.lead.transferred':
      return `lead #${s('lead_id')} transferred to queue ${s('queue_name')}`;
    default:
      return '';
  }
}

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

/** `10:31:02  pbx.call.ringing  <delivery id>  signatures ok  ext 1001 ringing: ...` */
export function deliveryLine(delivery: ReceivedDelivery, at = new Date()): string {
  const verdict = delivery.verified
    ? 'signatures ok'
    : `SIGNATURE CHECK FAILED: ${delivery.problem ?? ''}`;
  const notes = [
    delivery.repeat ? '(again: a retry or replay)' : '',
    delivery.test ? '(test event)' : '',
  ].filter(Boolean);
  return [
    clock(at),
    delivery.event.padEnd(28),
    delivery.deliveryId,
    verdict.padEnd(13),
    describeEvent(delivery.event, delivery.data),
    ...notes,
  ].join('  ');
}
