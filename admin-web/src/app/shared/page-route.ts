import { Route } from '@angular/router';

/** A lazily loaded page of the console, titled "<title> · Zorio Admin" in the browser. */
export function pageRoute(path: string, title: string, load: Route['loadComponent']): Route {
  return { path, title: `${title} · Zorio Admin`, loadComponent: load };
}
