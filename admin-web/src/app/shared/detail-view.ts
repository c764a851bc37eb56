import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { Remote } from '../core/data/remote';
import { ViewState } from './view-state';

/**
 * The frame of a detail page: the link back to its list, then the loading and error (with
 * retry) states of the one Remote it shows, else the projected detail.
 */
@Component({
  selector: 'app-detail-view',
  imports: [MatIconModule, RouterLink, ViewState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="back-link" [routerLink]="back()">
      <mat-icon svgIcon="back" aria-hidden="true" />{{ backLabel() }}
    </a>
    <app-view-state
      [loading]="remote().loading()"
      [error]="remote().error()"
      [hasData]="remote().hasValue()"
      [testid]="testid()"
      (retry)="retry.emit()"
    >
      <ng-content />
    </app-view-state>
  `,
})
export class DetailView {
  readonly remote = input.required<Remote<unknown>>();
  readonly back = input.required<string>();
  readonly backLabel = input.required<string>();
  readonly testid = input.required<string>();
  readonly retry = output<void>();
}
