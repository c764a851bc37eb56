import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { AuthStore } from '../core/auth/auth-store';

@Component({
  selector: 'app-not-found',
  imports: [MatButtonModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page narrow" data-testid="not-found">
      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have been deleted, or the link is wrong.</p>
      <a mat-flat-button [routerLink]="home">Go to the start page</a>
    </section>
  `,
})
export class NotFound {
  protected readonly home = inject(AuthStore).homeFor();
}
