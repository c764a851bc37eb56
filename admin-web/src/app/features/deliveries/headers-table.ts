import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** HTTP headers of an attempt as a name/value table; `emptyText` instead when there are none. */
@Component({
  selector: 'app-headers-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (rows().length || emptyText() === null) {
      <table class="headers mono" [attr.data-testid]="testid()">
        <tbody>
          @for (h of rows(); track h[0]) {
            <tr>
              <th scope="row">{{ h[0] }}</th>
              <td>{{ h[1] }}</td>
            </tr>
          }
        </tbody>
      </table>
    } @else {
      <p class="muted">{{ emptyText() }}</p>
    }
  `,
  styles: `
    .headers {
      width: 100%;
      border-collapse: collapse;
      font-size: 12.5px;
    }
    .headers th,
    .headers td {
      text-align: left;
      vertical-align: top;
      padding: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .headers th {
      white-space: nowrap;
      color: var(--mat-sys-on-surface-variant);
      font-weight: 500;
    }
    .headers td {
      word-break: break-all;
    }
  `,
})
export class HeadersTable {
  readonly headers = input<Record<string, string> | null | undefined>(null);
  readonly testid = input.required<string>();
  /** Shown instead of an empty table; `null` draws the empty table. */
  readonly emptyText = input<string | null>(null);
  protected readonly rows = computed(() => Object.entries(this.headers() ?? {}));
}
