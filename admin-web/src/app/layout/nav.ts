import { Role } from '../core/api/api.types';

export interface NavItem {
  path: string;
  label: string;
  icon: string;
  roles: Role[];
  testid: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  {
    path: '/webhooks',
    label: 'Webhooks',
    icon: 'webhook',
    roles: ['admin'],
    testid: 'nav-webhooks',
  },
  {
    path: '/deliveries',
    label: 'Deliveries',
    icon: 'deliveries',
    roles: ['admin'],
    testid: 'nav-deliveries',
  },
  {
    path: '/audit-log',
    label: 'Audit log',
    icon: 'audit',
    roles: ['admin', 'auditor'],
    testid: 'nav-audit-log',
  },
  { path: '/users', label: 'Users', icon: 'users', roles: ['admin'], testid: 'nav-users' },
  {
    path: '/api-tokens',
    label: 'API tokens',
    icon: 'token',
    roles: ['admin'],
    testid: 'nav-api-tokens',
  },
];

export function navFor(role: Role | null): NavItem[] {
  return role ? NAV_ITEMS.filter((i) => i.roles.includes(role)) : [];
}
