import { ChangeDetectionStrategy, Component, OnInit, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { filter } from 'rxjs';
import { Role, User, UserPatch } from '../../core/api/api.types';
import { UsersApi } from '../../core/api/users-api';
import { AuthStore } from '../../core/auth/auth-store';
import { remote } from '../../core/data/remote';
import { rowActions } from '../../core/data/row-action';
import { Notifier } from '../../core/errors/notifier';
import { Column, DataTable, TableSpec } from '../../shared/data-table';
import { Dialogs } from '../../shared/dialogs';
import { StatusChip } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { PageHeader } from '../../shared/page-header';
import { RemoteView } from '../../shared/remote-view';
import { UserCreateDialog } from './user-create-dialog';

@Component({
  selector: 'app-users-page',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatMenuModule,
    Column,
    DataTable,
    PageHeader,
    RemoteView,
    StatusChip,
    TimeAgo,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page">
      <app-page-header
        title="Users"
        subtitle="People who can sign in to this console. Admins manage everything; auditors read the audit log."
      >
        <button mat-flat-button type="button" (click)="create()" data-testid="user-create-button">
          <mat-icon svgIcon="add" />Add user
        </button>
      </app-page-header>
      <div class="surface">
        <app-remote-view [remote]="list" [busy]="!!busyId()" testid="users" emptyTitle="No users">
          <app-data-table [rows]="users()" [columns]="columns" [spec]="table" label="Users">
            <app-column name="name" header="User">
              <ng-template let-u>
                <div class="who">
                  <strong>{{ u.name }}</strong>
                  @if (u.id === me()?.id) {
                    <span class="you">(you)</span>
                  }
                  <span class="muted mono small">{{ u.email }}</span>
                </div>
              </ng-template>
            </app-column>
            <app-column name="role" header="Role">
              <ng-template let-u>
                <span class="role" data-testid="user-row-role">{{ u.role }}</span>
              </ng-template>
            </app-column>
            <app-column name="status" header="Status">
              <ng-template let-u>
                <app-status-chip
                  [status]="u.disabled ? 'disabled' : 'enabled'"
                  data-testid="user-row-status"
                />
              </ng-template>
            </app-column>
            <app-column name="created" header="Added">
              <ng-template let-u><app-time [value]="u.created_at" /></ng-template>
            </app-column>
            <app-column
              name="actions"
              header="Actions"
              [headerHidden]="true"
              cellClass="actions-cell"
            >
              <ng-template let-u>
                @if (u.id !== me()?.id) {
                  <button
                    mat-button
                    type="button"
                    [matMenuTriggerFor]="roleMenu"
                    [attr.aria-label]="'Change role of ' + u.email"
                    data-testid="user-role-menu"
                    [disabled]="busyId() === u.id"
                  >
                    Role
                  </button>
                  <mat-menu #roleMenu="matMenu">
                    @for (r of roles; track r) {
                      <button
                        mat-menu-item
                        type="button"
                        [disabled]="u.role === r"
                        [attr.data-testid]="'user-set-role-' + r"
                        (click)="setRole(u, r)"
                      >
                        Make {{ r }}
                      </button>
                    }
                  </mat-menu>
                  <button
                    mat-button
                    type="button"
                    [class.destructive]="!u.disabled"
                    (click)="setDisabled(u, !u.disabled)"
                    [attr.aria-label]="(u.disabled ? 'Enable ' : 'Disable ') + u.email"
                    [attr.data-testid]="u.disabled ? 'user-enable' : 'user-disable'"
                    [disabled]="busyId() === u.id"
                  >
                    {{ u.disabled ? 'Enable' : 'Disable' }}
                  </button>
                }
              </ng-template>
            </app-column>
          </app-data-table>
        </app-remote-view>
      </div>
    </section>
  `,
  styles: `
    .who {
      display: flex;
      flex-wrap: wrap;
      gap: 2px 8px;
      align-items: baseline;
      padding: 6px 0;
      min-width: 200px;
    }
    .who .mono {
      flex-basis: 100%;
    }
    .small {
      font-size: 12px;
    }
    .you {
      color: var(--mat-sys-primary);
      font: var(--mat-sys-label-medium);
    }
    .role {
      text-transform: capitalize;
    }
  `,
})
export class UsersPage implements OnInit {
  private readonly api = inject(UsersApi);
  private readonly dialogs = inject(Dialogs);
  private readonly notifier = inject(Notifier);
  protected readonly me = inject(AuthStore).user;

  protected readonly roles: Role[] = ['admin', 'auditor'];
  protected readonly columns = ['name', 'role', 'status', 'created', 'actions'];
  protected readonly list = remote(() => this.api.list());
  protected readonly users = computed(() => this.list.value() ?? []);
  protected readonly table: TableSpec<User> = {
    testid: 'users-table',
    rowTestid: 'user-row',
    rowAttrs: (u) => ({ 'data-user-email': u.email, 'data-user-id': u.id }),
    rowClass: (u) => (u.disabled ? 'muted' : ''),
  };
  private readonly actions = rowActions();
  protected readonly busyId = this.actions.busyId;

  ngOnInit(): void {
    this.list.load();
  }

  protected create(): void {
    this.dialogs
      .open<UserCreateDialog, void, User>(UserCreateDialog, '520px')
      .pipe(filter((u): u is User => !!u))
      .subscribe((u) => {
        this.list.update((list) => [...list, u]);
        this.notifier.success(`User ${u.email} added`);
      });
  }

  protected setRole(u: User, role: Role): void {
    this.patch(u, { role }, `${u.email} is now ${role === 'admin' ? 'an admin' : 'an auditor'}`);
  }

  protected setDisabled(u: User, disabled: boolean): void {
    if (!disabled) {
      this.patch(u, { disabled }, `${u.email} can sign in again`);
      return;
    }
    this.dialogs
      .confirm({
        title: `Disable ${u.email}?`,
        message: 'They are signed out and cannot sign in until an admin enables them again.',
        confirmLabel: 'Disable user',
        destructive: true,
      })
      .pipe(filter(Boolean))
      .subscribe(() => this.patch(u, { disabled }, `${u.email} disabled`));
  }

  private patch(u: User, patch: UserPatch, done: string): void {
    this.actions.run(u.id, this.api.update(u.id, patch), (updated) => {
      this.list.update((list) => list.map((x) => (x.id === updated.id ? updated : x)));
      return done;
    });
  }
}
