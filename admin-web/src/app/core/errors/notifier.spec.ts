import { TestBed } from '@angular/core/testing';
import { HttpErrorResponse } from '@angular/common/http';
import { FormControl, FormGroup } from '@angular/forms';
import { MatSnackBar } from '@angular/material/snack-bar';
import { testProviders } from '../../../testing/providers';
import { Notifier } from './notifier';
import { ErrorToastData } from './error-toast';

describe('Notifier', () => {
  let notifier: Notifier;
  let opened: ErrorToastData[];

  beforeEach(() => {
    opened = [];
    TestBed.configureTestingModule({
      providers: [
        ...testProviders(),
        {
          provide: MatSnackBar,
          useValue: {
            openFromComponent: (_c: unknown, cfg: { data: ErrorToastData }) =>
              opened.push(cfg.data),
            open: () => undefined,
          },
        },
      ],
    });
    notifier = TestBed.inject(Notifier);
  });

  it('shows the API message and its errors', () => {
    notifier.report(
      new HttpErrorResponse({ status: 409, error: { message: 'An attempt is already pending' } }),
    );
    expect(opened).toEqual([
      { message: 'An attempt is already pending', details: [], status: 409 },
    ]);
  });

  it('maps 422 errors onto the form and only lists the ones without a field', () => {
    const form = new FormGroup({ url: new FormControl('') });
    notifier.report(
      new HttpErrorResponse({
        status: 422,
        error: {
          message: 'The given data was invalid.',
          errors: { url: ['must be https'], x: ['no such field'] },
        },
      }),
      { form },
    );
    expect(form.controls.url.getError('server')).toBe('must be https');
    expect(opened[0].details).toEqual(['no such field']);
  });

  it('stays quiet on 401 (the interceptor redirects) and when asked to', () => {
    notifier.report(new HttpErrorResponse({ status: 401 }));
    notifier.report(new HttpErrorResponse({ status: 500 }), { silent: true });
    expect(opened).toEqual([]);
  });
});
