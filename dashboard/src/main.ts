// The dashboard's shell: takes a `?token=` out of the address, learns the token's role, draws the
// header and navigation, and shows the view the URL's hash names (re-shown when the hash changes).
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { describeError } from './api';
import { button, h, notice, replace } from './dom';
import { learnIdentity } from './identity';
import { createContext, type PageRender } from './page';
import { renderAlarms } from './pages/alarms';
import { renderEvents } from './pages/events';
import { renderLogin } from './pages/login';
import { renderLogs } from './pages/logs';
import { renderRules } from './pages/rules';
import { renderSensor } from './pages/sensor';
import { renderSensors } from './pages/sensors';
import { formatRoute, type Page, parseRoute, type Route } from './route';
import { adoptTokenFromUrl, currentIdentity, currentToken, forgetToken, setIdentity } from './session';

const PAGES: Record<Page, PageRender> = {
  sensors: renderSensors,
  sensor: renderSensor,
  alarms: renderAlarms,
  events: renderEvents,
  logs: renderLogs,
  rules: renderRules,
  login: renderLogin,
};

const NAV: ReadonlyArray<readonly [Page, string]> = [
  ['sensors', 'Sensors'],
  ['alarms', 'Alarms'],
  ['events', 'Events'],
  ['logs', 'Logs'],
  ['rules', 'Rules'],
];

const app = document.getElementById('app') as HTMLElement;
const header = h('header', { class: 'top' });
const main = h('main', { attrs: { id: 'main' } });
let leaving: (() => void)[] = [];
let shown = '';

function go(route: Route): void {
  const hash = formatRoute(route);
  if (location.hash === hash) show(true);
  else location.hash = hash;
}

function drawHeader(route: Route): void {
  const who = currentIdentity();
  const nav = h(
    'nav',
    { attrs: { 'aria-label': 'Views' } },
    h(
      'ul',
      null,
      ...NAV.map(([page, label]) => {
        const current = route.page === page || (page === 'sensors' && route.page === 'sensor');
        return h(
          'li',
          null,
          h('a', { attrs: { href: `#/${page}`, 'aria-current': current ? 'page' : undefined } }, label),
        );
      }),
    ),
  );
  const account = h(
    'div',
    { class: 'account' },
    currentToken()
      ? h('span', { class: 'who', attrs: { title: roleNote() } }, `${who.name} · ${who.role}`)
      : h('span', { class: 'who', attrs: { title: 'no token: reading only' } }, 'viewer (no token)'),
    currentToken()
      ? button('Sign out', () => {
          forgetToken();
          void start();
        })
      : h('a', { class: 'button', attrs: { href: '#/login' } }, 'Sign in'),
  );
  replace(
    header,
    h('a', { class: 'skip', attrs: { href: '#main' }, on: { click: skipToMain } }, 'Skip to content'),
    h('a', { class: 'brand', attrs: { href: '#/sensors' } }, 'Metrics'),
    nav,
    account,
  );
}

function roleNote(): string {
  const who = currentIdentity();
  if (who.source === 'probe') {
    return 'role guessed (this server has no GET /api/v1/me): an admin token is recognised, any other is treated as a viewer';
  }
  return `role ${who.role}`;
}

function skipToMain(event: MouseEvent): void {
  event.preventDefault();
  main.querySelector<HTMLElement>('h1')?.focus();
}

function show(force = false): void {
  if (!force && location.hash === shown) return;
  shown = location.hash;
  for (const cleanup of leaving) cleanup();
  leaving = [];
  const route = parseRoute(location.hash);
  drawHeader(route);
  const view = h('div', { class: `view view-${route.page}` });
  replace(main, view);
  const ctx = createContext(route, view, go, leaving, (hash) => {
    shown = hash;
  });
  document.title = `${route.page === 'sensor' ? route.sensorId : route.page} · Metrics dashboard`;
  Promise.resolve(PAGES[route.page](ctx))
    .catch((err: unknown) => {
      view.append(notice('error', `This view failed: ${describeError(err)}`));
    })
    .finally(() => {
      if (document.activeElement === document.body || !main.contains(document.activeElement)) {
        view.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
      }
    });
}

async function start(): Promise<void> {
  replace(app, header, main);
  const answer = await learnIdentity().catch((err: unknown) => ({
    invalid: true as const,
    reason: describeError(err),
  }));
  if ('invalid' in answer) {
    forgetToken();
    sessionStorage.setItem('metrics.dashboard.loginReason', answer.reason);
    if (parseRoute(location.hash).page !== 'login') {
      sessionStorage.setItem('metrics.dashboard.after', location.hash || '#/sensors');
      location.hash = '#/login';
    }
  } else {
    setIdentity(answer);
  }
  show(true);
}

adoptTokenFromUrl(location, history);
window.addEventListener('hashchange', () => show());
window.addEventListener('popstate', () => show());
window.addEventListener('metrics:signed-in', () => void start());
void start().catch((err: unknown) => {
  replace(app, notice('error', `The dashboard could not start: ${describeError(err)}`));
});
