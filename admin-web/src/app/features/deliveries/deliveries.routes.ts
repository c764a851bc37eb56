import { Routes } from '@angular/router';
import { pageRoute } from '../../shared/page-route';

const list = () => import('./delivery-list-page').then((m) => m.DeliveryListPage);
const detail = () => import('./delivery-detail-page').then((m) => m.DeliveryDetailPage);

export const routes: Routes = [
  pageRoute('', 'Deliveries', list),
  pageRoute(':id', 'Delivery', detail),
];
