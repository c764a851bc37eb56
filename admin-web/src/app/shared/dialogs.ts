import { ComponentType } from '@angular/cdk/portal';
import { Injectable, inject } from '@angular/core';
import { MatDialog, MatDialogConfig } from '@angular/material/dialog';
import { Observable, map } from 'rxjs';
import { ConfirmData, ConfirmDialog } from './confirm-dialog';
import { SecretData, SecretDialog } from './secret-dialog';

/** Opens the console's dialogs with consistent sizes and behaviour. */
@Injectable({ providedIn: 'root' })
export class Dialogs {
  private readonly dialog = inject(MatDialog);

  /** Opens `component` `width` wide (never wider than the screen); emits its result on close. */
  open<C, D = void, R = unknown>(
    component: ComponentType<C>,
    width: string,
    config: MatDialogConfig<D> = {},
  ): Observable<R | undefined> {
    return this.dialog
      .open<C, D, R>(component, { width, maxWidth: '95vw', ...config })
      .afterClosed();
  }

  confirm(data: ConfirmData): Observable<boolean> {
    const autoFocus = data.typeToConfirm ? 'first-tabbable' : 'dialog';
    return this.open<ConfirmDialog, ConfirmData, boolean>(ConfirmDialog, '480px', {
      data,
      autoFocus,
    }).pipe(map((ok) => ok === true));
  }

  /** The dialog cannot be dismissed by a stray click or Escape: the value would be lost. */
  secret(data: SecretData): Observable<void> {
    const config = { data, disableClose: true, autoFocus: '#secret-value' };
    return this.open<SecretDialog, SecretData, void>(SecretDialog, '560px', config).pipe(
      map(() => undefined),
    );
  }
}
