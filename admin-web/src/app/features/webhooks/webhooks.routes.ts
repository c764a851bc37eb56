import { Routes } from '@angular/router';

export const routes: Routes = [
  {
    path: '',
    title: 'Webhooks · Zorio Admin',
    loadComponent: () => import('./webhook-list-page').then((m) => m.WebhookListPage),
  },
  {
    path: 'new',
    title: 'Create webhook · Zorio Admin',
    loadComponent: () => import('./webhook-form-page').then((m) => m.WebhookFormPage),
  },
  {
    path: ':id',
    title: 'Webhook · Zorio Admin',
    loadComponent: () => import('./webhook-detail-page').then((m) => m.WebhookDetailPage),
  },
  {
    path: ':id/edit',
    title: 'Edit webhook · Zorio Admin',
    loadComponent: () => import('./webhook-form-page').then((m) => m.WebhookFormPage),
  },
];
