import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import {
  API_BASE,
  DataEnvelope,
  DeliveryDetail,
  Webhook,
  WebhookInput,
  WebhookWithSecret,
} from './api.types';

@Injectable({ providedIn: 'root' })
export class WebhooksApi {
  private readonly http = inject(HttpClient);
  private readonly base = `${API_BASE}/webhooks`;

  list(): Observable<Webhook[]> {
    return this.http.get<DataEnvelope<Webhook[]>>(this.base).pipe(map((r) => r.data));
  }

  get(id: string): Observable<Webhook> {
    return this.http.get<DataEnvelope<Webhook>>(`${this.base}/${enc(id)}`).pipe(map((r) => r.data));
  }

  /** Returns the webhook and its secret: the only time the secret is shown. */
  create(input: WebhookInput): Observable<WebhookWithSecret> {
    return this.http.post<WebhookWithSecret>(this.base, input);
  }

  update(id: string, patch: Partial<WebhookInput>): Observable<Webhook> {
    return this.http
      .patch<DataEnvelope<Webhook>>(`${this.base}/${enc(id)}`, patch)
      .pipe(map((r) => r.data));
  }

  rotateSecret(id: string): Observable<WebhookWithSecret> {
    return this.http.post<WebhookWithSecret>(`${this.base}/${enc(id)}/rotate-secret`, null);
  }

  pause(id: string): Observable<Webhook> {
    return this.http
      .post<DataEnvelope<Webhook>>(`${this.base}/${enc(id)}/pause`, null)
      .pipe(map((r) => r.data));
  }

  /** Resumes a paused webhook; also lifts a suspension. */
  resume(id: string): Observable<Webhook> {
    return this.http
      .post<DataEnvelope<Webhook>>(`${this.base}/${enc(id)}/resume`, null)
      .pipe(map((r) => r.data));
  }

  delete(id: string): Observable<void> {
    return this.http.delete<void>(`${this.base}/${enc(id)}`);
  }

  sendTest(id: string, event?: string): Observable<DeliveryDetail> {
    return this.http
      .post<DataEnvelope<DeliveryDetail>>(`${this.base}/${enc(id)}/test`, event ? { event } : {})
      .pipe(map((r) => r.data));
  }

  replayDeadLetters(id: string, since: string): Observable<{ count: number }> {
    return this.http
      .post<DataEnvelope<{ count: number }>>(`${this.base}/${enc(id)}/replay-dead-letters`, {
        since,
      })
      .pipe(map((r) => r.data));
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}
