import { Routes } from '@angular/router';

export const routes: Routes = [
  {
    path: '',
    title: 'Deliveries · Zorio Admin',
    loadComponent: () => import('./delivery-list-page').then((m) => m.DeliveryListPage),
  },
  {
    path: ':id',
    title: 'Delivery · Zorio Admin',
    loadComponent: () => import('./delivery-detail-page').then((m) => m.DeliveryDetailPage),
  },
];
