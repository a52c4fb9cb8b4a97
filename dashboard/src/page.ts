// What a view gets from the shell: its route, its element, and ways to change the URL. A view keeps
// its own state in the route's parameters (deep links); `update` rewrites the URL without re-creating
// the view (a filter typed, a page turned), `go` opens another view.
import { formatRoute, type Route, withParams } from './route';

export interface PageContext {
  route: Route;
  root: HTMLElement;
  /** sets parameters in the URL (a new history entry when `push`), without rebuilding the view */
  update(changes: Record<string, string | undefined>, options?: { push?: boolean }): void;
  /** opens a view (rebuilds) */
  go(route: Route): void;
  /** runs when the view is left: close streams, stop timers */
  onLeave(cleanup: () => void): void;
  /** the heading of the view, focused after navigation so keyboard and screen-reader users land on it */
  title(text: string, ...extra: (Node | string)[]): HTMLHeadingElement;
}

export type PageRender = (ctx: PageContext) => void | Promise<void>;

export function createContext(
  route: Route,
  root: HTMLElement,
  go: (route: Route) => void,
  leaving: (() => void)[],
  urlChanged: (hash: string) => void,
): PageContext {
  const ctx: PageContext = {
    route,
    root,
    update(changes, options = {}) {
      ctx.route = withParams(ctx.route, changes);
      const url = `${location.pathname}${location.search}${formatRoute(ctx.route)}`;
      if (options.push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      urlChanged(location.hash);
    },
    go,
    onLeave(cleanup) {
      leaving.push(cleanup);
    },
    title(text, ...extra) {
      const heading = document.createElement('h1');
      heading.tabIndex = -1;
      heading.append(text, ...extra);
      return heading;
    },
  };
  return ctx;
}
