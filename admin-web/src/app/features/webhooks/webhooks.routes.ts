import { Routes } from '@angular/router';
import { pageRoute } from '../../shared/page-route';

const list = () => import('./webhook-list-page').then((m) => m.WebhookListPage);
const form = () => import('./webhook-form-page').then((m) => m.WebhookFormPage);
const detail = () => import('./webhook-detail-page').then((m) => m.WebhookDetailPage);

export const routes: Routes = [
  pageRoute('', 'Webhooks', list),
  pageRoute('new', 'Create webhook', form),
  pageRoute(':id', 'Webhook', detail),
  pageRoute(':id/edit', 'Edit webhook', form),
];
