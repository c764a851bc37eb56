import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { Clipboard } from '@angular/cdk/clipboard';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { LiveAnnouncer } from '@angular/cdk/a11y';

/** An icon button that copies `value` and says so (tooltip + screen-reader announcement). */
@Component({
  selector: 'app-copy-button',
  imports: [MatButtonModule, MatIconModule, MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<button
    mat-icon-button
    type="button"
    class="copy app-compact-icon-button"
    [attr.aria-label]="label()"
    [attr.data-testid]="testid()"
    [attr.data-copied]="copied() ? 'true' : null"
    [matTooltip]="copied() ? 'Copied' : label()"
    (click)="copy()"
  >
    <mat-icon [svgIcon]="copied() ? 'success' : 'copy'" />
  </button>`,
  styles: `
    :host {
      display: inline-flex;
      vertical-align: middle;
    }
  `,
})
export class CopyButton {
  readonly value = input.required<string>();
  readonly label = input('Copy');
  readonly testid = input<string | null>(null);
  private readonly clipboard = inject(Clipboard);
  private readonly announcer = inject(LiveAnnouncer);
  protected readonly copied = signal(false);
  private timer: ReturnType<typeof setTimeout> | undefined;

  copy(): void {
    const ok = this.clipboard.copy(this.value());
    void this.announcer.announce(ok ? 'Copied to clipboard' : 'Copy failed: select the text');
    this.copied.set(ok);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.copied.set(false), 2000);
  }
}
