import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { ActivatedRoute, Router } from '@angular/router';
import { CursorList } from '../core/data/cursor-list';

/**
 * The row under a list's filters: the projected status (counts, auto-refresh) on the left, then
 * "Clear filters" (only while filtered: drops the URL's filters, see urlFilters) and "Refresh"
 * (reloads the list). Test ids `<testid>-clear-filters`,
 * `<testid>-refresh`.
 */
@Component({
  selector: 'app-filter-toolbar',
  imports: [MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'toolbar-row' },
  template: `
    <ng-content />
    <span class="spacer"></span>
    @if (filtered()) {
      <button
        mat-button
        type="button"
        (click)="clear()"
        [attr.data-testid]="testid() + '-clear-filters'"
      >
        <mat-icon svgIcon="filter-clear" />Clear filters
      </button>
    }
    <button
      mat-button
      type="button"
      (click)="list().reload()"
      [disabled]="list().loading()"
      [attr.data-testid]="testid() + '-refresh'"
    >
      <mat-icon svgIcon="refresh" />Refresh
    </button>
  `,
  styles: `
    .spacer {
      flex: 1;
    }
  `,
})
export class FilterToolbar {
  readonly list = input.required<CursorList<{ id: string }>>();
  readonly testid = input.required<string>();
  readonly filtered = input(false);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);

  protected clear(): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: {} });
  }
}
