import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  Directive,
  ElementRef,
  Renderer2,
  TemplateRef,
  contentChild,
  computed,
  contentChildren,
  effect,
  inject,
  input,
  output,
} from '@angular/core';
import { MatTableModule } from '@angular/material/table';

/** Attributes of one row: `data-*` for tests, `null` leaves the attribute out. */
export type RowAttrs = Record<string, string | number | null | undefined>;

/** What a page says about its table and the rows of it. */
export interface TableSpec<T> {
  /** Test id of the table. */
  testid: string;
  /** Test id of each row. */
  rowTestid: string;
  /** Attributes of each row (`data-*` for tests). */
  rowAttrs?: (row: T) => RowAttrs;
  /** Classes of every row, or of each row. */
  rowClass?: string | ((row: T) => string);
}

/** Sets (and removes, for `null`) the given attributes on its element. */
@Directive({ selector: '[appAttrs]' })
export class Attrs {
  readonly appAttrs = input<RowAttrs>({});
  constructor() {
    const el = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    const renderer = inject(Renderer2);
    effect(() => {
      for (const [name, value] of Object.entries(this.appAttrs())) {
        if (value === null || value === undefined) renderer.removeAttribute(el, name);
        else renderer.setAttribute(el, name, String(value));
      }
    });
  }
}

/** Marks the `<ng-template>` of a column that draws its header (instead of the text). */
@Directive({ selector: 'ng-template[appColumnHeader]' })
export class ColumnHeader {
  readonly template = inject(TemplateRef);
}

/**
 * One column of an `app-data-table`: `header` on top (or the `appColumnHeader` template), the
 * projected `<ng-template let-row>` in each cell. `cellClass` and `cellTestid` go on the cells; `stopRowClick` keeps a click in the
 * cell (a link or a copy button) from opening the row. The table draws it.
 */
@Component({
  selector: 'app-column',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '',
})
export class Column {
  readonly name = input.required<string>();
  readonly header = input.required<string>();
  /** The header is read to screen readers only (e.g. "Actions"). */
  readonly headerHidden = input(false);
  readonly cellClass = input('');
  readonly cellTestid = input<string | null>(null);
  readonly stopRowClick = input(false);
  readonly headerTemplate = contentChild(ColumnHeader);
  private readonly templates = contentChildren(TemplateRef);
  /** The cell template: the one that is not the header's (compared by anchor node). */
  readonly cell = computed(() => {
    const header = this.headerTemplate()?.template.elementRef.nativeElement as unknown;
    return this.templates().find((t) => t.elementRef.nativeElement !== header);
  });
}

/**
 * A Material table of `rows` with the projected `app-column`s, showing `columns` in that order,
 * test ids, row attributes and classes as `spec` says; a click on a row emits `rowClick`. The cells are drawn here,
 * so the cell and row styles the console's tables share are here too.
 */
@Component({
  selector: 'app-data-table',
  imports: [MatTableModule, NgTemplateOutlet, Attrs],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="table-wrap">
      <table
        mat-table
        [dataSource]="rows()"
        [attr.data-testid]="spec().testid"
        [attr.aria-label]="label()"
      >
        @for (c of columnList(); track c.name()) {
          <ng-container [matColumnDef]="c.name()">
            <th mat-header-cell *matHeaderCellDef scope="col">
              @if (c.headerTemplate(); as h) {
                <ng-container *ngTemplateOutlet="h.template" />
              } @else if (c.headerHidden()) {
                <span class="cdk-visually-hidden">{{ c.header() }}</span>
              } @else {
                {{ c.header() }}
              }
            </th>
            <td
              mat-cell
              *matCellDef="let row"
              [class]="c.cellClass()"
              [attr.data-testid]="c.cellTestid()"
              (click)="c.stopRowClick() && $event.stopPropagation()"
            >
              <ng-container *ngTemplateOutlet="c.cell() ?? null; context: { $implicit: row }" />
            </td>
          </ng-container>
        }
        <tr mat-header-row *matHeaderRowDef="columns()"></tr>
        <tr
          mat-row
          *matRowDef="let row; columns: columns()"
          [attr.data-testid]="spec().rowTestid"
          [appAttrs]="spec().rowAttrs?.(row) ?? {}"
          [class]="classOf(row)"
          (click)="rowClick.emit(row)"
        ></tr>
      </table>
    </div>
  `,
  styles: `
    :host {
      display: block;
    }
    .actions-cell {
      text-align: right;
      white-space: nowrap;
    }
    .num {
      font-variant-numeric: tabular-nums;
    }
    .small {
      font-size: 12px;
    }
    tr.muted td {
      color: var(--mat-sys-on-surface-variant);
    }
    tr.flagged td {
      background: color-mix(in srgb, var(--app-warning-container) 35%, transparent);
    }
  `,
})
export class DataTable<T> {
  readonly rows = input.required<readonly T[]>();
  readonly columns = input.required<readonly string[]>();
  readonly spec = input.required<TableSpec<T>>();
  /** The table's accessible name. */
  readonly label = input.required<string>();
  readonly rowClick = output<T>();
  protected readonly columnList = contentChildren(Column);

  protected classOf(row: T): string {
    const c = this.spec().rowClass ?? '';
    return typeof c === 'string' ? c : c(row);
  }
}
