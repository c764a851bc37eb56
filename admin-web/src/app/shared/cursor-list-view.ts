import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { CursorList } from '../core/data/cursor-list';
import { ViewState } from './view-state';

/**
 * The body of a cursor-list page: a progress bar while a shown list reloads, the loading, error
 * and empty states, the projected table, and "load more" / end of list below it.
 * Test ids: `<testid>-loading`, `-error`, `-empty`, `-load-more`, `-end`.
 */
@Component({
  selector: 'app-cursor-list-view',
  imports: [MatButtonModule, MatProgressBarModule, ViewState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let l = list();
    @if (l.loading() && l.loaded()) {
      <mat-progress-bar mode="indeterminate" [attr.aria-label]="'Loading ' + noun()" />
    }
    <app-view-state
      [loading]="l.loading()"
      [error]="l.error()"
      [empty]="l.empty()"
      [hasData]="l.items().length > 0"
      [testid]="testid()"
      [emptyTitle]="emptyTitle()"
      [emptyText]="emptyText()"
      (retry)="l.reload()"
    >
      <ng-content />
      <div class="load-more">
        @if (l.nextCursor()) {
          <button
            mat-stroked-button
            type="button"
            (click)="l.loadMore()"
            [disabled]="l.loadingMore()"
            [attr.data-testid]="testid() + '-load-more'"
          >
            {{ l.loadingMore() ? 'Loading…' : 'Load older ' + noun() }}
          </button>
        } @else if (l.items().length) {
          <span class="muted" [attr.data-testid]="testid() + '-end'">{{
            endText() ?? 'That is all (' + l.items().length + ').'
          }}</span>
        }
      </div>
    </app-view-state>
  `,
})
export class CursorListView {
  readonly list = input.required<CursorList<{ id: string }>>();
  readonly testid = input.required<string>();
  /** Plural noun of the rows: "deliveries", "entries". */
  readonly noun = input('items');
  readonly emptyTitle = input('Nothing here yet');
  readonly emptyText = input<string | null>(null);
  /** Shown below the last page; default "That is all (N).". */
  readonly endText = input<string | null>(null);
}
