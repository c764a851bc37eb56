import { inject } from '@angular/core';
import { Routes } from '@angular/router';
import { AuthStore } from './core/auth/auth-store';
import { authGuard, guestGuard, roleGuard } from './core/auth/guards';

export const routes: Routes = [
  {
    path: 'login',
    canMatch: [guestGuard],
    title: 'Sign in · Zorio Admin',
    loadComponent: () => import('./features/login/login-page').then((m) => m.LoginPage),
  },
  {
    path: '',
    canMatch: [authGuard],
    loadComponent: () => import('./layout/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: () => inject(AuthStore).homeFor() },
      {
        path: 'webhooks',
        canMatch: [roleGuard('admin')],
        loadChildren: () => import('./features/webhooks/webhooks.routes').then((m) => m.routes),
      },
      {
        path: 'deliveries',
        canMatch: [roleGuard('admin')],
        loadChildren: () => import('./features/deliveries/deliveries.routes').then((m) => m.routes),
      },
      {
        path: 'audit-log',
        canMatch: [roleGuard('admin', 'auditor')],
        title: 'Audit log · Zorio Admin',
        loadComponent: () => import('./features/audit/audit-log-page').then((m) => m.AuditLogPage),
      },
      {
        path: 'users',
        canMatch: [roleGuard('admin')],
        title: 'Users · Zorio Admin',
        loadComponent: () => import('./features/users/users-page').then((m) => m.UsersPage),
      },
      {
        path: 'api-tokens',
        canMatch: [roleGuard('admin')],
        title: 'API tokens · Zorio Admin',
        loadComponent: () =>
          import('./features/api-tokens/api-tokens-page').then((m) => m.ApiTokensPage),
      },
      {
        path: '**',
        title: 'Not found · Zorio Admin',
        loadComponent: () => import('./layout/not-found').then((m) => m.NotFound),
      },
    ],
  },
];
