import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { ControlValueAccessor, NG_VALUE_ACCESSOR } from '@angular/forms';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { EventGroup } from '../../core/api/event-types-api';

const MODULE_LABELS: Record<string, string> = {
  pbx: 'PBX',
  telesales: 'Telesales',
  autocall: 'AutoCall',
};

export function moduleLabel(module: string): string {
  return MODULE_LABELS[module.toLowerCase()] ?? module;
}

/** Picks event names from the catalogue, grouped by module, with descriptions. A form control. */
@Component({
  selector: 'app-event-picker',
  imports: [MatCheckboxModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: NG_VALUE_ACCESSOR, useExisting: EventPicker, multi: true }],
  template: `
    <div class="groups" [class.invalid]="invalid()">
      @for (group of groups(); track group.module) {
        <fieldset class="group" [attr.data-testid]="'event-group-' + group.module">
          <legend>
            <mat-checkbox
              [checked]="allIn(group)"
              [indeterminate]="someIn(group)"
              [disabled]="disabled()"
              [attr.data-testid]="'event-group-toggle-' + group.module"
              (change)="toggleGroup(group, $event.checked)"
              >{{ label(group.module) }}
              <span class="count"
                >{{ countIn(group) }}/{{ group.events.length }}</span
              ></mat-checkbox
            >
          </legend>
          <ul>
            @for (event of group.events; track event.name) {
              <li>
                <mat-checkbox
                  [checked]="isSelected(event.name)"
                  [disabled]="disabled()"
                  [attr.data-testid]="'event-option-' + event.name"
                  [aria-describedby]="'evdesc-' + event.name"
                  (change)="toggle(event.name, $event.checked)"
                >
                  <span class="mono name">{{ event.name }}</span>
                </mat-checkbox>
                <p class="desc" [id]="'evdesc-' + event.name">{{ event.description }}</p>
              </li>
            }
          </ul>
        </fieldset>
      }
    </div>
  `,
  styles: `
    .groups {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
      gap: 12px;
    }
    .group {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 12px;
      padding: 4px 12px 8px;
      margin: 0;
      min-width: 0;
    }
    .invalid .group {
      border-color: var(--mat-sys-error);
    }
    legend {
      padding: 0 4px;
      font: var(--mat-sys-title-small);
    }
    .count {
      margin-left: 6px;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-label-small);
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      margin: 0 0 4px;
    }
    .name {
      font-size: 13px;
    }
    .desc {
      margin: -6px 0 6px 40px;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class EventPicker implements ControlValueAccessor {
  readonly groups = input<EventGroup[]>([]);
  readonly invalid = input(false);
  private readonly selected = signal<string[]>([]);
  protected readonly disabled = signal(false);
  private readonly selectedSet = computed(() => new Set(this.selected()));
  private onChange: (value: string[]) => void = () => undefined;
  private onTouched: () => void = () => undefined;

  writeValue(value: string[] | null): void {
    this.selected.set(Array.isArray(value) ? [...value] : []);
  }
  registerOnChange(fn: (value: string[]) => void): void {
    this.onChange = fn;
  }
  registerOnTouched(fn: () => void): void {
    this.onTouched = fn;
  }
  setDisabledState(isDisabled: boolean): void {
    this.disabled.set(isDisabled);
  }

  protected label(module: string): string {
    return moduleLabel(module);
  }
  protected isSelected(name: string): boolean {
    return this.selectedSet().has(name);
  }
  protected countIn(group: EventGroup): number {
    return group.events.filter((e) => this.selectedSet().has(e.name)).length;
  }
  protected allIn(group: EventGroup): boolean {
    return group.events.length > 0 && this.countIn(group) === group.events.length;
  }
  protected someIn(group: EventGroup): boolean {
    const n = this.countIn(group);
    return n > 0 && n < group.events.length;
  }

  toggle(name: string, on: boolean): void {
    this.update((set) => (on ? set.add(name) : set.delete(name)));
  }

  toggleGroup(group: EventGroup, on: boolean): void {
    this.update((set) => {
      for (const e of group.events) {
        if (on) set.add(e.name);
        else set.delete(e.name);
      }
    });
  }

  private update(change: (set: Set<string>) => void): void {
    const set = new Set(this.selected());
    change(set);
    // Keep the catalogue's order, then any names the catalogue no longer lists.
    const order = this.groups().flatMap((g) => g.events.map((e) => e.name));
    const next = [
      ...order.filter((n) => set.has(n)),
      ...[...set].filter((n) => !order.includes(n)),
    ];
    this.selected.set(next);
    this.onChange(next);
    this.onTouched();
  }
}
