import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import { DeliveryDetail, Webhook, WebhookInput, WebhookWithSecret } from './api.types';
import { AdminClient } from './generated/admin-client';

@Injectable({ providedIn: 'root' })
export class WebhooksApi {
  private readonly client = inject(AdminClient);

  list(): Observable<Webhook[]> {
    return this.client.webhooksList().pipe(map((r) => r.data));
  }

  get(id: string): Observable<Webhook> {
    return this.client.webhooksGet(id).pipe(map((r) => r.data));
  }

  /** Returns the webhook and its secret: the only time the secret is shown. */
  create(input: WebhookInput): Observable<WebhookWithSecret> {
    return this.client.webhooksCreate(input);
  }

  update(id: string, patch: Partial<WebhookInput>): Observable<Webhook> {
    return this.client.webhooksUpdate(id, patch).pipe(map((r) => r.data));
  }

  rotateSecret(id: string): Observable<WebhookWithSecret> {
    return this.client.webhooksRotate(id);
  }

  pause(id: string): Observable<Webhook> {
    return this.client.webhooksPause(id).pipe(map((r) => r.data));
  }

  /** Resumes a paused webhook; also lifts a suspension. */
  resume(id: string): Observable<Webhook> {
    return this.client.webhooksResume(id).pipe(map((r) => r.data));
  }

  delete(id: string): Observable<void> {
    return this.client.webhooksRemove(id);
  }

  sendTest(id: string, event?: string): Observable<DeliveryDetail> {
    return this.client.webhookDeliveriesTest(id, event ? { event } : {}).pipe(map((r) => r.data));
  }

  replayDeadLetters(id: string, since: string): Observable<{ count: number }> {
    return this.client.webhookDeliveriesReplayDeadLetters(id, { since }).pipe(map((r) => r.data));
  }
}
