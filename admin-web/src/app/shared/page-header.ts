import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/**
 * A page's header: its title (text, or projected `[page-title]` for a title with chips), a
 * subtitle (text, or projected `[page-subtitle]`), and the page's actions (the other content).
 */
@Component({
  selector: 'app-page-header',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'page-header' },
  template: `
    <div>
      @if (title()) {
        <h1>{{ title() }}</h1>
      }
      <ng-content select="[page-title]" />
      @if (subtitle()) {
        <p class="subtitle">{{ subtitle() }}</p>
      }
      <ng-content select="[page-subtitle]" />
    </div>
    <div class="actions"><ng-content /></div>
  `,
})
export class PageHeader {
  readonly title = input<string | null>(null);
  readonly subtitle = input<string | null>(null);
}
