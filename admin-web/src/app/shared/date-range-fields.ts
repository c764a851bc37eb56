import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ControlContainer, FormGroupDirective, ReactiveFormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

/**
 * The "From" and "To" local date-time fields of a filter form: the parent form's `fromLocal` and
 * `toLocal` controls. Test ids `<testid>-from`, `<testid>-to`.
 */
@Component({
  selector: 'app-date-range-fields',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  viewProviders: [{ provide: ControlContainer, useExisting: FormGroupDirective }],
  host: { style: 'display: contents' },
  template: `
    @for (f of fields; track f.control) {
      <mat-form-field>
        <mat-label>{{ f.label }}</mat-label>
        <input
          matInput
          type="datetime-local"
          [formControlName]="f.control"
          [attr.data-testid]="testid() + '-' + f.suffix"
        />
      </mat-form-field>
    }
  `,
})
export class DateRangeFields {
  readonly testid = input.required<string>();
  protected readonly fields = [
    { label: 'From', control: 'fromLocal', suffix: 'from' },
    { label: 'To', control: 'toLocal', suffix: 'to' },
  ] as const;
}
