import { h, notice, pill, section, select } from '../dom.ts';
import { ago, duration, shortSha } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { RunListQuery, RunStatus } from '../generated/graphql.ts';

type RunRow = RunListQuery['runs'][number];

export async function runsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Runs');
  const status = ctx.query.get('status') ?? '';
  const { runs } = await gql(
    graphql(`query RunList($s: RunStatus) { runs(status: $s, limit: 500) { name owner purpose status inputs software { commit branch } createdAt startedAt endedAt progress { total succeeded failed } } }`),
    { s: (status || null) as RunStatus | null },
    ctx.signal,
  );
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'title-block' }, h('h1', null, 'Runs'), h('div', { class: 'subtitle' }, 'Processing runs, newest first: status, software version and quantum progress.')),
      h(
        'div',
        { class: 'controls' },
        select('Status', [{ value: '', label: 'any' }, ...['running', 'pending', 'succeeded', 'partial', 'failed', 'cancelled'].map((s) => ({ value: s }))], status, (s) => ctx.setQuery({ status: s }, { rerender: true })),
      ),
    ),
  );
  if (runs.length === 0) {
    ctx.root.append(notice('empty', status ? `No ${status} runs` : 'No runs yet', 'Start one with ', h('code', null, 'vera run pipelines/drp.yaml --input SimCam/defaults --output u/$USER/drp'), '.'));
    return;
  }
  ctx.root.append(
    section(
      `${runs.length} runs`,
      table(
        [
          { key: 'name', label: 'Run', render: (r: RunRow) => h('a', { href: link.run(r.name) }, r.name) },
          { key: 'status', label: 'Status', render: (r) => pill(r.status, r.status) },
          { key: 'progress', label: 'Quanta', num: true, render: (r) => `${r.progress.succeeded}/${r.progress.total}${r.progress.failed ? ` (${r.progress.failed} failed)` : ''}` },
          { key: 'purpose', label: 'Purpose', render: (r) => r.purpose },
          { key: 'owner', label: 'Owner', render: (r) => r.owner },
          { key: 'software', label: 'Software', render: (r) => h('span', { class: 'mono' }, `${shortSha(r.software?.commit ?? null)}${r.software?.branch ? ` ${r.software.branch}` : ''}`) },
          { key: 'inputs', label: 'Inputs', render: (r) => r.inputs.join(', ') },
          { key: 'created', label: 'Created', render: (r) => ago(r.createdAt) },
          { key: 'took', label: 'Took', num: true, render: (r) => duration(r.startedAt, r.endedAt) },
        ],
        runs,
      ),
    ),
  );
}
