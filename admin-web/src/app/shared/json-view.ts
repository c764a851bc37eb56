import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { CopyButton } from './copy-button';

/** Pretty JSON (or raw text when it is not JSON) in a scrollable, focusable monospace block. */
@Component({
  selector: 'app-json',
  imports: [CopyButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="wrap">
    <pre
      class="mono"
      tabindex="0"
      role="region"
      [attr.aria-label]="label()"
      [attr.data-testid]="testid()"
      >{{ text() }}</pre>
    @if (text()) {
      <app-copy-button class="copy" [value]="text()" [label]="'Copy ' + label()" />
    }
  </div>`,
  styles: `
    .wrap {
      position: relative;
    }
    pre {
      margin: 0;
      padding: 12px 44px 12px 12px;
      background: var(--mat-sys-surface-container);
      color: var(--mat-sys-on-surface);
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      max-height: 420px;
      overflow: auto;
      font-size: 12.5px;
      line-height: 1.5;
      white-space: pre-wrap;
      word-break: break-word;
    }
    pre:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
      outline-offset: 2px;
    }
    .copy {
      position: absolute;
      top: 4px;
      right: 4px;
    }
  `,
})
export class JsonView {
  readonly value = input<unknown>(null);
  readonly label = input('JSON');
  readonly testid = input<string | null>(null);
  protected readonly text = computed(() => prettyJson(this.value()));
}

export function prettyJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  return JSON.stringify(value, null, 2);
}
