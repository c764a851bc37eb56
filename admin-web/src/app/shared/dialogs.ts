import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Observable, map } from 'rxjs';
import { ConfirmData, ConfirmDialog } from './confirm-dialog';
import { SecretData, SecretDialog } from './secret-dialog';

/** Opens the shared dialogs with consistent sizes and behaviour. */
@Injectable({ providedIn: 'root' })
export class Dialogs {
  private readonly dialog = inject(MatDialog);

  confirm(data: ConfirmData): Observable<boolean> {
    return this.dialog
      .open<ConfirmDialog, ConfirmData, boolean>(ConfirmDialog, {
        data,
        width: '480px',
        maxWidth: '95vw',
        autoFocus: data.typeToConfirm ? 'first-tabbable' : 'dialog',
      })
      .afterClosed()
      .pipe(map((ok) => ok === true));
  }

  /** The dialog cannot be dismissed by a stray click or Escape: the value would be lost. */
  secret(data: SecretData): Observable<void> {
    return this.dialog
      .open<SecretDialog, SecretData, void>(SecretDialog, {
        data,
        width: '560px',
        maxWidth: '95vw',
        disableClose: true,
        autoFocus: '#secret-value',
      })
      .afterClosed();
  }
}
