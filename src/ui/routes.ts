import { svg, type SVGTemplateResult } from 'lit';

export type RouteId = 'meters' | 'read' | 'objects' | 'profiles' | 'history' | 'trace' | 'settings';

export interface Route {
  id: RouteId;
  label: string;
  /** Custom element name the page module defines. */
  tag: string;
  /** Each page is its own chunk: the first screen loads only the page it shows. */
  load: () => Promise<unknown>;
  icon: SVGTemplateResult;
  /**
   * A page reached from another page rather than from the navigation (the bottom bar has room for six
   * thumb-sized items at 360 px): the navigation marks this parent as current instead.
   */
  parent?: RouteId;
}

const icon = (d: string) =>
  svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path d=${d} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

export const ROUTES: readonly Route[] = [
  {
    id: 'meters',
    label: 'Meters',
    tag: 'ms-meters-page',
    load: () => import('./pages/meters-page'),
    icon: icon('M4 4h16v16H4z M8 9h8 M8 13h5 M8 17h3'),
  },
  {
    id: 'read',
    label: 'Read',
    tag: 'ms-read-page',
    load: () => import('./pages/read-page'),
    icon: icon('M4 16a8 8 0 1 1 16 0 M12 16l4-5 M6 20h12'),
  },
  {
    id: 'objects',
    label: 'Objects',
    tag: 'ms-objects-page',
    load: () => import('./pages/objects-page'),
    icon: icon('M4 6h16 M4 12h16 M4 18h10'),
    parent: 'read',
  },
  {
    id: 'profiles',
    label: 'Profiles',
    tag: 'ms-profiles-page',
    load: () => import('./pages/profiles-page'),
    icon: icon('M3 20h18 M5 16l4-6 4 3 6-8'),
  },
  {
    id: 'history',
    label: 'History',
    tag: 'ms-history-page',
    load: () => import('./pages/history-page'),
    icon: icon('M12 7v5l3 2 M3.5 12a8.5 8.5 0 1 0 2.5-6 M3 4v4h4'),
  },
  {
    id: 'trace',
    label: 'Trace',
    tag: 'ms-trace-page',
    load: () => import('./pages/trace-page'),
    icon: icon('M2 12h4l3-7 4 14 3-7h6'),
  },
  {
    id: 'settings',
    label: 'Settings',
    tag: 'ms-settings-page',
    load: () => import('./pages/settings-page'),
    icon: icon('M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M4 12h2 M18 12h2 M12 4v2 M12 18v2 M6.3 6.3l1.4 1.4 M16.3 16.3l1.4 1.4 M6.3 17.7l1.4-1.4 M16.3 7.7l1.4-1.4'),
  },
];

/** The app opens on Read: connecting a probe (or the demo) is the first thing a technician does. */
export const DEFAULT_ROUTE: RouteId = 'read';

/** The pages listed in the navigation. */
export const NAV_ROUTES: readonly Route[] = ROUTES.filter((r) => !r.parent);

export { hashParams } from './hash-params';

/** `#/history?device=x` -> route `history`; unknown hashes fall back to the default page. */
export function routeFromHash(hash: string): Route {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return ROUTES.find((r) => r.id === id) ?? ROUTES.find((r) => r.id === DEFAULT_ROUTE)!;
}
