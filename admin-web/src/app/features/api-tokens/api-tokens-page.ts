import { ChangeDetectionStrategy, Component, OnInit, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { filter, switchMap } from 'rxjs';
import { ApiToken, ApiTokenCreated } from '../../core/api/api.types';
import { ApiTokensApi } from '../../core/api/api-tokens-api';
import { remote } from '../../core/data/remote';
import { rowActions } from '../../core/data/row-action';
import { CopyButton } from '../../shared/copy-button';
import { Column, DataTable, TableSpec } from '../../shared/data-table';
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
    Column,
    DataTable,
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
          <app-data-table [rows]="tokens()" [columns]="columns" [spec]="table" label="API tokens">
            <app-column name="name" header="Token">
              <ng-template let-t>
                <div class="name">
                  <strong>{{ t.name }}</strong>
                  <span class="id">
                    <span class="mono small muted" [title]="t.id">{{ t.id.slice(0, 8) }}…</span>
                    <app-copy-button [value]="t.id" label="Copy token id" />
                  </span>
                </div>
              </ng-template>
            </app-column>
            <app-column name="scopes" header="Scopes">
              <ng-template let-t>
                <div class="scopes">
                  @for (s of t.scopes; track s) {
                    <span class="scope" [title]="s">{{ scopeLabel(s) }}</span>
                  }
                </div>
              </ng-template>
            </app-column>
            <app-column name="ips" header="IP allowlist" cellClass="mono small">
              <ng-template let-t>
                {{ t.ip_allowlist?.length ? t.ip_allowlist.join(', ') : 'Any' }}
              </ng-template>
            </app-column>
            <app-column name="status" header="Status">
              <ng-template let-t>
                <app-status-chip [status]="state(t)" data-testid="token-row-status" />
              </ng-template>
            </app-column>
            <app-column name="expires" header="Expires">
              <ng-template let-t><app-time [value]="t.expires_at" emptyText="Never" /></ng-template>
            </app-column>
            <app-column name="used" header="Last used">
              <ng-template let-t
                ><app-time [value]="t.last_used_at" emptyText="Never"
              /></ng-template>
            </app-column>
            <app-column
              name="actions"
              header="Actions"
              [headerHidden]="true"
              cellClass="actions-cell"
            >
              <ng-template let-t>
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
              </ng-template>
            </app-column>
          </app-data-table>
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
  `,
})
export class ApiTokensPage implements OnInit {
  private readonly api = inject(ApiTokensApi);
  private readonly dialogs = inject(Dialogs);

  protected readonly columns = ['name', 'scopes', 'ips', 'status', 'expires', 'used', 'actions'];
  protected readonly list = remote(() => this.api.list());
  protected readonly tokens = computed(() => this.list.value() ?? []);
  protected readonly table: TableSpec<ApiToken> = {
    testid: 'tokens-table',
    rowTestid: 'token-row',
    rowAttrs: (t) => ({ 'data-token-id': t.id, 'data-token-name': t.name }),
    rowClass: (t) => (this.state(t) !== 'active' ? 'muted' : ''),
  };
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
