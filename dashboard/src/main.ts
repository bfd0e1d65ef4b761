import './styles.css';
import { h } from './dom.ts';
import { gql, saveToken, savedToken } from './gql.ts';
import { buildPage, buildsPage, deliveriesPage } from './pages/ci.ts';
import { comparePage } from './pages/compare.ts';
import { dashboardPage, dashboardsPage } from './pages/dashboards.ts';
import { datasetPage } from './pages/dataset.ts';
import { metricPage } from './pages/metric.ts';
import { overviewPage } from './pages/overview.ts';
import { regressionPage, regressionsPage } from './pages/regression.ts';
import { runPage } from './pages/run.ts';
import { runsPage } from './pages/runs.ts';
import { replayPage, replaysPage } from './pages/replay.ts';
import { skyMapPage } from './pages/skymap.ts';
import { linkedPage } from './pages/linked.ts';
import { Router, type Route } from './router.ts';
import { graphql } from './generated/gql.ts';

const routes: Route[] = [
  { pattern: /^\/$/, page: overviewPage, nav: 'overview' },
  { pattern: /^\/metric(?:\/([^/]+))?\/?$/, page: metricPage, nav: 'metric' },
  { pattern: /^\/compare\/?$/, page: comparePage, nav: 'compare' },
  { pattern: /^\/runs\/?$/, page: runsPage, nav: 'runs' },
  { pattern: /^\/run\/(.+)$/, page: runPage, nav: 'runs' },
  { pattern: /^\/replays\/?$/, page: replaysPage, nav: 'replays' },
  { pattern: /^\/replay\/(\d+)\/?$/, page: replayPage, nav: 'replays' },
  { pattern: /^\/builds\/?$/, page: buildsPage, nav: 'ci' },
  { pattern: /^\/build\/(\d+)\/?$/, page: buildPage, nav: 'ci' },
  { pattern: /^\/deliveries\/?$/, page: deliveriesPage, nav: 'ci' },
  { pattern: /^\/regressions\/?$/, page: regressionsPage, nav: 'regressions' },
  { pattern: /^\/regression\/(\d+)\/?$/, page: regressionPage, nav: 'regressions' },
  { pattern: /^\/dataset\/([^/]+)\/?$/, page: datasetPage, nav: 'runs' },
  { pattern: /^\/skymap\/(.+)$/, page: skyMapPage, nav: 'runs' },
  { pattern: /^\/linked\/(.+)$/, page: linkedPage, nav: 'runs' },
  { pattern: /^\/dashboards\/?$/, page: dashboardsPage, nav: 'dashboards' },
  { pattern: /^\/d\/([a-z0-9-]+)\/?$/, page: dashboardPage, nav: 'dashboards' },
];

const NAV: [string, string, string][] = [
  ['overview', '/', 'Overview'],
  ['metric', '/metric', 'Metrics'],
  ['compare', '/compare', 'Compare'],
  ['runs', '/runs', 'Runs'],
  ['replays', '/replays', 'Replays'],
  ['regressions', '/regressions', 'Regressions'],
  ['ci', '/builds', 'CI'],
  ['dashboards', '/dashboards', 'Dashboards'],
];

function userBadge(): HTMLElement {
  const badge = h('button', { class: 'user', type: 'button', title: 'API token used by this browser (for saving dashboards)' }, '…');
  const refresh = () =>
    gql(graphql(`query Me { me { name role } }`), {})
      .then(({ me }) => {
        badge.textContent = me.name === 'anonymous' ? 'Read-only · add token' : `${me.name} (${me.role})`;
      })
      .catch(() => {
        badge.textContent = savedToken() ? 'Token rejected · change' : 'Sign in';
      });
  badge.addEventListener('click', () => {
    const token = prompt('API token for this browser (empty to forget it). `vera` writes the admin token to .vera/admin-token.', savedToken() ?? '');
    if (token === null) return;
    saveToken(token.trim() || null);
    void refresh();
  });
  void refresh();
  return badge;
}

const links = NAV.map(([key, href, label]) => h('a', { href, class: 'nav-link', 'data-nav': key }, label));
const main = h('main', { id: 'page' });
document.getElementById('app')!.append(
  h(
    'header',
    { class: 'topbar' },
    h('a', { href: '/', class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 22, height: 22 }), 'Vera'),
    h('nav', { class: 'nav' }, ...links),
    h('div', { class: 'topbar-right' }, h('a', { href: '/graphql', class: 'nav-link subtle', target: '_blank' }, 'GraphQL'), userBadge()),
  ),
  main,
);

const router = new Router(main, routes, (nav) => {
  for (const a of links) a.classList.toggle('active', a.dataset.nav === nav);
});
void router.render();
