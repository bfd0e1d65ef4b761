import { h, namedSection, notice, pill, section, select } from '../dom.ts';
import { ago, dateTime, duration, shortSha } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { BuildListQuery, BuildStatus, DeliveryListQuery, DeliveryStatus } from '../generated/graphql.ts';

/**
 * CI pages: builds (a commit on a ref, its runs, what GitHub was told) and the webhook
 * deliveries that asked for them, with what came of each. Pill colours follow the statuses:
 * a delivery processed or a report done reads as passed, one failed for good as failed.
 */

type BuildRow = BuildListQuery['builds'][number];
type DeliveryRow = DeliveryListQuery['webhookDeliveries'][number];

const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'error'];
const DELIVERY_STATUSES = ['received', 'processing', 'processed', 'ignored', 'failed'];
/** Pill kinds (styles.css) for statuses whose words differ from the runs' ones. */
const KIND: Record<string, string> = { queued: 'pending', error: 'failed', processed: 'succeeded', done: 'succeeded', received: 'pending', processing: 'running', success: 'succeeded', failure: 'failed' };
const statusPill = (s: string) => pill(s, KIND[s] ?? s);

function refText(ref: string, prNumber: number | null | undefined): string {
  if (prNumber) return `PR #${prNumber}`;
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

function head(title: string, subtitle: string, ...controls: HTMLElement[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('div', { class: 'title-block' }, h('h1', null, title), h('div', { class: 'subtitle' }, subtitle)), h('div', { class: 'controls' }, ...controls));
}

const ciTabs = (active: 'builds' | 'deliveries') =>
  h(
    'div',
    { class: 'controls' },
    h('a', { href: link.builds(), class: active === 'builds' ? 'btn btn-active' : 'btn' }, 'Builds'),
    h('a', { href: link.deliveries(), class: active === 'deliveries' ? 'btn btn-active' : 'btn' }, 'Webhook deliveries'),
  );

export async function buildsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Builds');
  const status = ctx.query.get('status') ?? '';
  const { builds } = await gql(
    graphql(`query BuildList($s: BuildStatus) { builds(status: $s, limit: 500) { id repo commit ref event prNumber status error regressions runs { name } createdAt updatedAt } }`),
    { s: (status || null) as BuildStatus | null },
    ctx.signal,
  );
  ctx.root.append(
    head(
      'CI builds',
      'Every commit CI built, newest first: its ref, why it was built, its runs and how it compared with its base.',
      ciTabs('builds'),
      select('Status', [{ value: '', label: 'any' }, ...BUILD_STATUSES.map((s) => ({ value: s }))], status, (s) => ctx.setQuery({ status: s }, { rerender: true })),
    ),
  );
  if (builds.length === 0) {
    ctx.root.append(notice('empty', status ? `No ${status} builds` : 'No builds yet', 'Track a repository with ', h('code', null, 'vera repos add <url>'), ' and push to it, or start the demo with ', h('code', null, 'npm start'), '.'));
    return;
  }
  ctx.root.append(
    namedSection(
      'builds',
      `${builds.length} builds`,
      table(
        [
          { key: 'id', label: 'Build', num: true, render: (b: BuildRow) => h('a', { href: link.build(b.id) }, `#${b.id}`) },
          { key: 'status', label: 'Status', render: (b) => statusPill(b.status) },
          { key: 'repo', label: 'Repository', render: (b) => b.repo },
          { key: 'ref', label: 'Ref', render: (b) => refText(b.ref, b.prNumber) },
          { key: 'commit', label: 'Commit', render: (b) => h('span', { class: 'mono' }, shortSha(b.commit)) },
          { key: 'event', label: 'Event', render: (b) => b.event },
          { key: 'runs', label: 'Runs', render: (b) => b.runs.map((r, i) => [i ? ', ' : '', h('a', { href: link.run(r.name) }, r.name)]) },
          { key: 'regressions', label: 'Regressed', num: true, render: (b) => (b.regressions === null || b.regressions === undefined ? '–' : String(b.regressions)) },
          { key: 'created', label: 'Created', render: (b) => ago(b.createdAt) },
        ],
        builds,
      ),
    ),
  );
}

export async function buildPage(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params[0]);
  ctx.setTitle(`Build ${id}`);
  const { build } = await gql(
    graphql(`query Build($id: Int!) {
      build(id: $id) {
        id repo commit ref event prNumber status error regressions regressedMetrics summaryMarkdown createdAt updatedAt
        runs { name status progress { total succeeded failed } startedAt endedAt }
        reports { id kind target state description status attempts lastError createdAt }
        delivery { id event action status receivedAt }
      }
    }`),
    { id },
    ctx.signal,
  );
  if (!build) {
    ctx.root.append(notice('empty', `No build ${id}`, h('a', { href: link.builds() }, 'See all builds')));
    return;
  }
  ctx.root.append(head(`Build #${build.id}`, `${build.repo} at ${shortSha(build.commit)} on ${refText(build.ref, build.prNumber)}`, ciTabs('builds')));
  const facts = h(
    'dl',
    { class: 'facts' },
    ...([
      ['Status', h('span', { 'data-testid': 'build-status' }, statusPill(build.status))],
      ['Repository', build.repo],
      ['Commit', h('span', { class: 'mono' }, build.commit)],
      ['Ref', build.ref],
      ['Event', build.event],
      ['Asked for by', build.delivery ? h('a', { href: link.deliveries(build.delivery.id) }, `delivery ${build.delivery.id} (${build.delivery.event}${build.delivery.action ? ` ${build.delivery.action}` : ''})`) : 'the API, a schedule or the demo (no webhook)'],
      ['Created', `${dateTime(build.createdAt)} (${ago(build.createdAt)})`],
      ['Regressed', build.regressions === null || build.regressions === undefined ? 'not compared yet' : build.regressions ? `${build.regressions}: ${(build.regressedMetrics ?? []).join(', ')}` : 'nothing'],
      ['Error', build.error ?? 'none'],
    ] as const).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
  ctx.root.append(section('Build', facts));
  ctx.root.append(
    namedSection(
      'build-runs',
      build.runs.length === 1 ? '1 run' : `${build.runs.length} runs`,
      build.runs.length === 0
        ? h('p', { class: 'muted' }, 'No runs: vera.yaml lists none for this event, or making the build failed.')
        : table(
            [
              { key: 'name', label: 'Run', render: (r: (typeof build.runs)[number]) => h('a', { href: link.run(r.name) }, r.name) },
              { key: 'status', label: 'Status', render: (r) => statusPill(r.status) },
              { key: 'quanta', label: 'Quanta', num: true, render: (r) => `${r.progress.succeeded}/${r.progress.total}${r.progress.failed ? ` (${r.progress.failed} failed)` : ''}` },
              { key: 'took', label: 'Took', num: true, render: (r) => duration(r.startedAt, r.endedAt) },
            ],
            build.runs,
          ),
    ),
  );
  ctx.root.append(
    namedSection(
      'build-reports',
      'Reports to GitHub',
      build.reports.length === 0
        ? h('p', { class: 'muted' }, 'None: the repository is not linked to GitHub, or Vera has no GitHub token.')
        : table(
            [
              { key: 'kind', label: 'Kind', render: (r: (typeof build.reports)[number]) => (r.kind === 'status' ? 'commit status' : 'PR comment') },
              { key: 'target', label: 'For', render: (r) => r.target },
              { key: 'state', label: 'Says', render: (r) => (r.state ? statusPill(r.state) : '–') },
              { key: 'description', label: 'Description', render: (r) => r.description ?? '' },
              { key: 'status', label: 'Sent', render: (r) => statusPill(r.status) },
              { key: 'attempts', label: 'Attempts', num: true, render: (r) => String(r.attempts) },
              { key: 'error', label: 'Last error', render: (r) => r.lastError ?? '' },
            ],
            build.reports,
          ),
    ),
  );
  if (build.summaryMarkdown) ctx.root.append(section('Comparison with the base (as GitHub shows it)', h('pre', { class: 'json', 'data-testid': 'build-summary' }, build.summaryMarkdown)));
}

export async function deliveriesPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Webhook deliveries');
  const status = ctx.query.get('status') ?? '';
  const highlight = ctx.query.get('id');
  const { webhookDeliveries } = await gql(
    graphql(`query DeliveryList($s: DeliveryStatus) { webhookDeliveries(status: $s, limit: 500) { id event action repository status attempts error receivedAt processedAt builds { id status } } }`),
    { s: (status || null) as DeliveryStatus | null },
    ctx.signal,
  );
  ctx.root.append(
    head(
      'Webhook deliveries',
      'What GitHub sent, newest first, and what came of it: the builds it made, why it was ignored, or why it failed.',
      ciTabs('deliveries'),
      select('Status', [{ value: '', label: 'any' }, ...DELIVERY_STATUSES.map((s) => ({ value: s }))], status, (s) => ctx.setQuery({ status: s }, { rerender: true })),
    ),
  );
  if (webhookDeliveries.length === 0) {
    ctx.root.append(notice('empty', status ? `No ${status} deliveries` : 'No webhook deliveries yet', 'Point a GitHub webhook at ', h('code', null, '/webhooks/github'), ' with the secret in ', h('code', null, 'GITHUB_WEBHOOK_SECRET'), '.'));
    return;
  }
  ctx.root.append(
    namedSection(
      'deliveries',
      `${webhookDeliveries.length} deliveries`,
      table(
        [
          { key: 'id', label: 'Delivery', render: (d: DeliveryRow) => h('span', { class: d.id === highlight ? 'mono highlight' : 'mono' }, d.id) },
          { key: 'event', label: 'Event', render: (d) => `${d.event}${d.action ? ` ${d.action}` : ''}` },
          { key: 'repository', label: 'Repository', render: (d) => d.repository ?? '–' },
          { key: 'status', label: 'Outcome', render: (d) => statusPill(d.status) },
          { key: 'builds', label: 'Builds', render: (d) => (d.builds.length ? d.builds.map((b, i) => [i ? ', ' : '', h('a', { href: link.build(b.id) }, `#${b.id}`)]) : '–') },
          { key: 'error', label: 'Why', render: (d) => d.error ?? '' },
          { key: 'attempts', label: 'Attempts', num: true, render: (d) => String(d.attempts) },
          { key: 'received', label: 'Received', render: (d) => ago(d.receivedAt) },
        ],
        webhookDeliveries,
      ),
    ),
  );
}
