import { ChangeDetectionStrategy, Component, OnInit, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTableModule } from '@angular/material/table';
import { filter, switchMap } from 'rxjs';
import { ApiToken, ApiTokenCreated } from '../../core/api/api.types';
import { ApiTokensApi } from '../../core/api/api-tokens-api';
import { remote } from '../../core/data/remote';
import { rowActions } from '../../core/data/row-action';
import { CopyButton } from '../../shared/copy-button';
import { Dialogs } from '../../shared/dialogs';
import { StatusChip } from '../../shared/status-chip';
import { TimeAgo } from '../../shared/time-ago';
import { PageHeader } from '../../shared/page-header';
import { RemoteView } from '../../shared/remote-view';
import { SCOPE_INFO, TokenCreateDialog } from './token-create-dialog';

export type TokenState = 'active' | 'revoked' | 'expired';

export function tokenState(t: ApiToken, now = Date.now()): TokenState {
  if (t.revoked_at) return 'revoked';
  if (t.expires_at && Date.parse(t.expires_at) <= now) return 'expired';
  return 'active';
}

@Component({
  selector: 'app-api-tokens-page',
  imports: [
    MatButtonModule,
    MatIconModule,
    MatTableModule,
    CopyButton,
    PageHeader,
    RemoteView,
    StatusChip,
    TimeAgo,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page">
      <app-page-header
        title="API tokens"
        subtitle="Machine tokens for the PBX, Telesales and AutoCall APIs. Shown once, stored hashed."
      >
        <button mat-flat-button type="button" (click)="create()" data-testid="token-create-button">
          <mat-icon svgIcon="add" />Create token
        </button>
      </app-page-header>
      <div class="surface">
        <app-remote-view
          [remote]="list"
          [busy]="!!busyId()"
          busyLabel="Revoking"
          testid="tokens"
          emptyTitle="No API tokens"
          emptyText="Create a token for each system that calls the domain APIs."
        >
          <div class="table-wrap">
            <table
              mat-table
              [dataSource]="tokens()"
              data-testid="tokens-table"
              aria-label="API tokens"
            >
              <ng-container matColumnDef="name">
                <th mat-header-cell *matHeaderCellDef scope="col">Token</th>
                <td mat-cell *matCellDef="let t">
                  <div class="name">
                    <strong>{{ t.name }}</strong>
                    <span class="id">
                      <span class="mono small muted" [title]="t.id">{{ t.id.slice(0, 8) }}…</span>
                      <app-copy-button [value]="t.id" label="Copy token id" />
                    </span>
                  </div>
                </td>
              </ng-container>
              <ng-container matColumnDef="scopes">
                <th mat-header-cell *matHeaderCellDef scope="col">Scopes</th>
                <td mat-cell *matCellDef="let t">
                  <div class="scopes">
                    @for (s of t.scopes; track s) {
                      <span class="scope" [title]="s">{{ scopeLabel(s) }}</span>
                    }
                  </div>
                </td>
              </ng-container>
              <ng-container matColumnDef="ips">
                <th mat-header-cell *matHeaderCellDef scope="col">IP allowlist</th>
                <td mat-cell *matCellDef="let t" class="mono small">
                  {{ t.ip_allowlist?.length ? t.ip_allowlist.join(', ') : 'Any' }}
                </td>
              </ng-container>
              <ng-container matColumnDef="status">
                <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
                <td mat-cell *matCellDef="let t">
                  <app-status-chip [status]="state(t)" data-testid="token-row-status" />
                </td>
              </ng-container>
              <ng-container matColumnDef="expires">
                <th mat-header-cell *matHeaderCellDef scope="col">Expires</th>
                <td mat-cell *matCellDef="let t">
                  <app-time [value]="t.expires_at" emptyText="Never" />
                </td>
              </ng-container>
              <ng-container matColumnDef="used">
                <th mat-header-cell *matHeaderCellDef scope="col">Last used</th>
                <td mat-cell *matCellDef="let t">
                  <app-time [value]="t.last_used_at" emptyText="Never" />
                </td>
              </ng-container>
              <ng-container matColumnDef="actions">
                <th mat-header-cell *matHeaderCellDef scope="col">
                  <span class="cdk-visually-hidden">Actions</span>
                </th>
                <td mat-cell *matCellDef="let t" class="actions-cell">
                  @if (state(t) !== 'revoked') {
                    <button
                      mat-button
                      class="destructive"
                      type="button"
                      (click)="revoke(t)"
                      [disabled]="busyId() === t.id"
                      [attr.aria-label]="'Revoke token ' + t.name"
                      data-testid="token-revoke"
                    >
                      Revoke
                    </button>
                  }
                </td>
              </ng-container>
              <tr mat-header-row *matHeaderRowDef="columns"></tr>
              <tr
                mat-row
                *matRowDef="let t; columns: columns"
                data-testid="token-row"
                [attr.data-token-id]="t.id"
                [attr.data-token-name]="t.name"
                [class.revoked]="state(t) !== 'active'"
              ></tr>
            </table>
          </div>
        </app-remote-view>
      </div>
    </section>
  `,
  styles: `
    .name {
      display: flex;
      flex-direction: column;
      padding: 6px 0;
      min-width: 160px;
    }
    .id {
      display: inline-flex;
      align-items: center;
    }
    .small {
      font-size: 12px;
    }
    .scopes {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .scope {
      font: var(--mat-sys-label-medium);
      padding: 2px 8px;
      border-radius: 6px;
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    .actions-cell {
      text-align: right;
    }
    tr.revoked td {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class ApiTokensPage implements OnInit {
  private readonly api = inject(ApiTokensApi);
  private readonly dialogs = inject(Dialogs);

  protected readonly columns = ['name', 'scopes', 'ips', 'status', 'expires', 'used', 'actions'];
  protected readonly list = remote(() => this.api.list());
  protected readonly tokens = computed(() => this.list.value() ?? []);
  private readonly actions = rowActions();
  protected readonly busyId = this.actions.busyId;
  protected readonly state = (t: ApiToken) => tokenState(t);

  ngOnInit(): void {
    this.list.load();
  }

  protected scopeLabel(scope: string): string {
    return SCOPE_INFO[scope as keyof typeof SCOPE_INFO]?.label ?? scope;
  }

  protected create(): void {
    this.dialogs
      .open<TokenCreateDialog, void, ApiTokenCreated>(TokenCreateDialog, '560px')
      .pipe(
        filter((c): c is ApiTokenCreated => !!c),
        switchMap((created) => {
          this.list.update((list) => [created.data, ...list]);
          return this.dialogs.secret({
            title: 'API token created',
            label: 'API token',
            value: created.token,
            intro: `Send it as "Authorization: Bearer <token>" from ${created.data.name}.`,
          });
        }),
      )
      .subscribe();
  }

  protected revoke(t: ApiToken): void {
    this.dialogs
      .confirm({
        title: `Revoke "${t.name}"?`,
        message: 'Requests with this token are refused immediately. This cannot be undone.',
        confirmLabel: 'Revoke token',
        destructive: true,
      })
      .pipe(filter(Boolean))
      .subscribe(() =>
        this.actions.run(t.id, this.api.revoke(t.id), () => {
          const now = new Date().toISOString();
          this.list.update((list) =>
            list.map((x) => (x.id === t.id ? { ...x, revoked_at: now } : x)),
          );
          return `Token "${t.name}" revoked`;
        }),
      );
  }
}
