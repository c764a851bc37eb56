import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Remote } from '../core/data/remote';
import { ViewState } from './view-state';

/**
 * The body of a page showing one Remote list: a progress bar while a shown list reloads or a row
 * action runs (`busy`), the loading, error (with retry) and empty states, else the projected
 * table. `[empty-action]` content is shown with the empty state.
 */
@Component({
  selector: 'app-remote-view',
  imports: [MatProgressBarModule, ViewState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let r = remote();
    @if (busy() || (r.loading() && r.hasValue())) {
      <mat-progress-bar
        mode="indeterminate"
        [attr.aria-label]="busy() ? busyLabel() : 'Refreshing'"
      />
    }
    <app-view-state
      [loading]="r.loading()"
      [error]="r.error()"
      [empty]="r.hasValue() && count() === 0"
      [hasData]="count() > 0"
      [testid]="testid()"
      [emptyTitle]="emptyTitle()"
      [emptyText]="emptyText()"
      (retry)="r.load()"
    >
      <ng-content select="[empty-action]" ngProjectAs="[empty-action]" />
      <ng-content />
    </app-view-state>
  `,
})
export class RemoteView {
  readonly remote = input.required<Remote<readonly unknown[]>>();
  readonly testid = input.required<string>();
  readonly emptyTitle = input('Nothing here yet');
  readonly emptyText = input<string | null>(null);
  /** A row action is running (e.g. saving, revoking). */
  readonly busy = input(false);
  readonly busyLabel = input('Saving');
  protected readonly count = computed(() => this.remote().value()?.length ?? 0);
}
