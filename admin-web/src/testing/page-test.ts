import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { Routes } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { settle, testProviders } from './providers';

/** A routed page's test: its router harness, the HTTP testing backend and DOM helpers. */
export interface PageTest {
  readonly harness: RouterTestingHarness;
  /** Verified after each test: no request left unanswered. */
  readonly http: HttpTestingController;
  /** The element with this `data-testid` anywhere in the document (dialogs included). */
  readonly q: <T extends HTMLElement = HTMLElement>(testid: string) => T;
  /** Every element with this `data-testid`. */
  readonly qa: (testid: string) => Element[];
  /** Types into an input or textarea as the user would (sets the value, fires `input`). */
  readonly type: (testid: string, value: string) => void;
  /** Lets pending work settle, then runs change detection on the routed page. */
  readonly tick: () => Promise<void>;
}

/**
 * Sets up a test of routed pages on the app's test providers: `routes` are the router's, the
 * harness starts at `url` (no navigation when absent).
 */
export function pageTest(routes: Routes, url?: string): PageTest {
  const state = {} as { harness: RouterTestingHarness; http: HttpTestingController };
  const q = <T extends HTMLElement = HTMLElement>(testid: string): T =>
    document.querySelector(`[data-testid="${testid}"]`) as T;
  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: testProviders(routes) });
    state.http = TestBed.inject(HttpTestingController);
    state.harness = await RouterTestingHarness.create(url);
  });
  afterEach(() => state.http.verify());
  return {
    get harness() {
      return state.harness;
    },
    get http() {
      return state.http;
    },
    q,
    qa: (testid) => [...document.querySelectorAll(`[data-testid="${testid}"]`)],
    type: (testid, value) => {
      const input = q<HTMLInputElement>(testid);
      input.value = value;
      input.dispatchEvent(new Event('input'));
    },
    tick: async () => {
      await settle();
      state.harness.detectChanges();
    },
  };
}

/** A stand-in for a page a test navigates to but does not test (shows `stub page`). */
@Component({ changeDetection: ChangeDetectionStrategy.OnPush, template: 'stub page' })
export class StubPage {}
