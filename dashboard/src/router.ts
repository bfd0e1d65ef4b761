import { clear, h, notice } from './dom.ts';

/**
 * A small history router: every page has a real, shareable URL (`/metric/toy.offset?branch=master`),
 * links are plain <a href> intercepted here, and page state (filters, sort, variables) lives in the
 * query string. Leaving a page aborts its requests and disposes its charts and timers.
 */
export interface PageContext {
  root: HTMLElement;
  /** Path captures of the route, URI-decoded. */
  params: string[];
  query: URLSearchParams;
  signal: AbortSignal;
  onLeave(fn: () => void): void;
  /** Runs `fn` once the page is in the document (charts need their size); at once if it is. */
  whenMounted(fn: () => void): void;
  /** Changes query parameters in place (replaceState); `rerender` renders the page again. */
  setQuery(update: Record<string, string | string[] | null | undefined>, opts?: { rerender?: boolean }): void;
  navigate(url: string): void;
  /** Renders the current URL again (fresh data). */
  reload(): void;
  setTitle(title: string): void;
}

export type Page = (ctx: PageContext) => Promise<void> | void;

export interface Route {
  pattern: RegExp;
  page: Page;
  /** Which top-bar item is active. */
  nav: string;
}

/** Server routes the app must leave to the browser. */
const SERVER_PATHS = /^\/(graphql|healthz|metrics|webhooks)(\/|$)/;

export class Router {
  private current: { controller: AbortController; cleanups: (() => void)[] } | undefined;
  private readonly routes: Route[];
  private readonly root: HTMLElement;
  private readonly onNav: (nav: string) => void;

  constructor(root: HTMLElement, routes: Route[], onNav: (nav: string) => void) {
    this.root = root;
    this.routes = routes;
    this.onNav = onNav;
    window.addEventListener('popstate', () => void this.render());
    document.addEventListener('click', (e) => this.intercept(e));
  }

  navigate(url: string, opts: { replace?: boolean } = {}): void {
    if (opts.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    window.scrollTo(0, 0);
    void this.render();
  }

  private intercept(e: MouseEvent): void {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || SERVER_PATHS.test(url.pathname)) return;
    e.preventDefault();
    this.navigate(url.pathname + url.search + url.hash);
  }

  private leave(): void {
    if (!this.current) return;
    this.current.controller.abort();
    for (const fn of this.current.cleanups) fn();
    this.current = undefined;
  }

  async render(): Promise<void> {
    this.leave();
    const controller = new AbortController();
    const cleanups: (() => void)[] = [];
    this.current = { controller, cleanups };
    const path = location.pathname;
    const route = this.routes.find((r) => r.pattern.test(path));
    clear(this.root);
    document.body.dataset.state = 'loading';
    const loading = h('div', { class: 'loading' }, 'Loading…');
    this.root.append(loading);
    if (!route) {
      this.onNav('');
      clear(this.root);
      this.root.append(notice('empty', 'No such page', `${path} is not a page of Vera. `, h('a', { href: '/' }, 'Go to the overview')));
      document.body.dataset.state = 'ready';
      return;
    }
    this.onNav(route.nav);
    const params = (route.pattern.exec(path) ?? []).slice(1).map((p) => safeDecode(p ?? ''));
    let mounted = false;
    const mountQueue: (() => void)[] = [];
    const ctx: PageContext = {
      root: h('div', { class: 'page' }),
      params,
      query: new URLSearchParams(location.search),
      signal: controller.signal,
      onLeave: (fn) => cleanups.push(fn),
      whenMounted: (fn) => {
        if (mounted) fn();
        else mountQueue.push(fn);
      },
      setQuery: (update, opts = {}) => {
        const q = new URLSearchParams(location.search);
        for (const [k, v] of Object.entries(update)) {
          q.delete(k);
          for (const x of v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]) if (x !== '') q.append(k, x);
        }
        const s = q.toString();
        history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}`);
        if (opts.rerender) void this.render();
      },
      navigate: (url) => this.navigate(url),
      reload: () => void this.render(),
      setTitle: (title) => {
        document.title = `${title} · Vera`;
      },
    };
    try {
      await route.page(ctx);
      if (controller.signal.aborted) return;
      clear(this.root);
      this.root.append(ctx.root);
      mounted = true;
      for (const fn of mountQueue.splice(0)) fn();
      document.body.dataset.state = 'ready';
    } catch (e) {
      if (controller.signal.aborted) return;
      clear(this.root);
      this.root.append(notice('error', 'This page could not be loaded', (e as Error).message));
      document.body.dataset.state = 'error';
    }
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
