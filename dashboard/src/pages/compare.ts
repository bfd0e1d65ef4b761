import { branchesOf, datasetsOf, defaultBranch, measuredSeries, repoOf } from '../api.ts';
import { h, namedSection, notice, pill, select } from '../dom.ts';
import { dataIdText, num, percent, pValue, shortSha, signed, unitLabel } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table, type Column } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { ComparisonViewFragment } from '../generated/graphql.ts';

type Row = ComparisonViewFragment['rows'][number];

type Side = ComparisonViewFragment['base'];

/** What the page draws of a comparison, by either query. */
export const COMPARISON_FIELDS = graphql(`
  fragment ComparisonView on Comparison {
    base { label commit runs } head { label commit runs }
    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }
  }
`);

const COMPARE_RUNS = graphql(`
  query CompareRuns($b: String!, $h: String!) { compare: compareRuns(base: $b, head: $h) { ...ComparisonView } }
`);

// No repo: the server orders commits by the repository the dataset's measurements record.
const COMPARE_REFS = graphql(`
  query CompareRefs($d: String!, $h: String!, $b: String) { compare: compareRefs(dataset: $d, head: $h, base: $b) { ...ComparisonView } }
`);

function specCell(r: Row) {
  return r.specs.map((s) =>
    h('div', { class: 'nowrap', title: s.spec }, s.spec.split('.').at(-1), ' ', s.base === null ? '–' : s.base ? '✓' : '✗', ' → ', h('span', { class: s.head ? 'spec-ok' : 'spec-bad' }, s.head === null ? '–' : s.head ? '✓' : '✗')),
  );
}

/** Two run pickers (the newest runs) and a button. */
function runControls(ctx: PageContext, runNames: string[], baseRun: string, headRun: string): HTMLElement {
  const picked = { base: baseRun, head: headRun };
  const options = (current: string) => [...new Set([current, ...runNames])].filter(Boolean).map((r) => ({ value: r }));
  return h(
    'div',
    { class: 'controls' },
    select('Base run', options(baseRun), baseRun, (r) => (picked.base = r), { 'data-testid': 'base-run' }),
    select('Head run', options(headRun), headRun, (r) => (picked.head = r), { 'data-testid': 'head-run' }),
    h('button', { class: 'btn primary', type: 'button', onclick: () => ctx.navigate(link.compare({ baseRun: picked.base, headRun: picked.head })) }, 'Compare'),
    h('a', { href: link.compare(), style: { paddingBottom: '6px' } }, 'or compare branches'),
  );
}

export async function comparePage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Compare');
  const q = ctx.query;
  const [series, { runs: recent }, { repos }] = await Promise.all([
    measuredSeries(ctx.signal),
    gql(graphql(`query CompareRunNames { runs(limit: 100) { name } }`), {}, ctx.signal),
    gql(graphql(`query CompareDefaultBranches { repos { name defaultBranch } }`), {}, ctx.signal),
  ]);
  const runNames = recent.map((r) => r.name);
  const datasets = datasetsOf(series);
  const dataset = q.get('dataset') ?? datasets[0] ?? '';
  const branches = branchesOf(series.filter((s) => s.dataset === dataset));
  // The base is a tracked repository's default branch when it is measured (whatever it is
  // called: master, main, trunk), else master or main, else the branch measured most recently.
  const base = q.get('base') ?? repos.map((r) => r.defaultBranch).find((b) => branches.includes(b)) ?? defaultBranch(series.filter((s) => s.dataset === dataset));
  const head = q.get('head') ?? branches.find((b) => b !== base) ?? '';
  const byRuns = Boolean(q.get('baseRun') && q.get('headRun'));
  const repo = repoOf(series, dataset);

  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('h1', null, 'Compare'),
        h('div', { class: 'subtitle' }, byRuns ? 'Two runs, metric by metric.' : "A branch against its merge base with the base branch (or the base's latest measured commit), metric by metric, with significance from the noise of the series."),
      ),
      byRuns
        ? runControls(ctx, runNames, q.get('baseRun') ?? '', q.get('headRun') ?? '')
        : h(
            'div',
            { class: 'controls' },
            select('Dataset', datasets.map((d) => ({ value: d })), dataset, (d) => ctx.navigate(link.compare({ dataset: d }))),
            select('Head', [{ value: '', label: '(choose a branch)' }, ...branches.map((b) => ({ value: b }))], head, (b) => ctx.navigate(link.compare({ dataset, head: b, base })), { 'data-testid': 'head' }),
            select('Base', [...new Set([base, ...branches])].map((b) => ({ value: b })), base, (b) => ctx.navigate(link.compare({ dataset, head, base: b }))),
            h('a', { href: link.compare({ baseRun: runNames[1] ?? '', headRun: runNames[0] ?? '' }), style: { paddingBottom: '6px' } }, 'or compare two runs'),
          ),
    ),
  );
  if (!byRuns && (!dataset || !repo)) {
    ctx.root.append(
      notice('empty', 'Nothing to compare yet', datasets.length ? `Dataset ${dataset} has no git repository recorded, so branches cannot be placed; compare two runs with /compare?baseRun=…&headRun=…` : 'No measurements yet: run a pipeline with metric tasks on master and on a branch.'),
    );
    return;
  }
  if (!byRuns && !head) {
    ctx.root.append(notice('empty', `Only ${base} is measured`, `Run the pipeline on another branch of ${repo} to compare it with ${base} here, or `, h('a', { href: link.compare({ baseRun: runNames[1] ?? '', headRun: runNames[0] ?? '' }) }, 'compare two runs'), '.'));
    return;
  }
  let compare: ComparisonViewFragment;
  try {
    ({ compare } = byRuns
      ? await gql(COMPARE_RUNS, { b: q.get('baseRun') ?? '', h: q.get('headRun') ?? '' }, ctx.signal)
      : await gql(COMPARE_REFS, { d: dataset, h: head!, b: base }, ctx.signal));
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    ctx.root.append(notice('error', 'These cannot be compared', (e as Error).message));
    return;
  }
  // Data IDs open the head's Measurement dataset at that data ID.
  const { measurements } = await gql(
    graphql(`query CompareMeasurements($runs: [String!]) { measurements(runs: $runs, limit: 5000) { metric dataId datasetId } }`),
    { runs: compare.head.runs },
    ctx.signal,
  );
  const datasetOf = new Map(measurements.map((m) => [`${m.metric} ${JSON.stringify(m.dataId)}`, m.datasetId]));

  const side = (title: string, s: Side) =>
    h('div', { class: 'card' }, h('div', { class: 'muted' }, title), h('div', null, h('b', null, s.label), ' ', h('span', { class: 'mono' }, shortSha(s.commit))), h('div', { class: 'muted' }, 'runs: ', ...s.runs.flatMap((r, i) => [i ? ', ' : '', h('a', { href: link.run(r) }, r)])));
  const counts = (st: string) => compare.rows.filter((r) => r.dataId === null && r.status === st).length;
  ctx.root.append(
    h('div', { class: 'grid grid-2' }, side('Base', compare.base), side('Head', compare.head)),
    h('div', { class: 'row' }, pill(`${counts('regression')} regressions`, 'regression'), pill(`${counts('improvement')} improvements`, 'improvement'), pill(`${counts('unchanged')} unchanged`, 'none'), pill(`${counts('insufficient') + counts('missing')} not comparable`, 'partial')),
  );

  const filterText = q.get('q') ?? '';
  const onlySignificant = q.get('significant') === '1';
  const perDataId = q.get('dataIds') === '1';
  const sort = { key: q.get('sort') ?? 'status', dir: (q.get('dir') === 'asc' ? 'asc' : 'desc') as 'asc' | 'desc' };
  const statusRank: Record<string, number> = { regression: 4, improvement: 3, insufficient: 2, missing: 1, unchanged: 0 };
  const columns: Column<Row>[] = [
    { key: 'metric', label: 'Metric', sortValue: (r) => r.metric, render: (r) => h('a', { href: link.metric(r.metric, byRuns ? {} : { dataset, branch: [base, head] }) }, r.metric) },
    {
      key: 'dataId',
      label: 'Data ID',
      sortValue: (r) => dataIdText(r.dataId),
      render: (r) => {
        if (!r.dataId) return h('span', { class: 'muted' }, 'all (aggregate)');
        const id = datasetOf.get(`${r.metric} ${JSON.stringify(r.dataId)}`);
        return id ? h('a', { href: link.dataset(id), title: 'open the Measurement dataset of the head' }, dataIdText(r.dataId)) : dataIdText(r.dataId);
      },
    },
    { key: 'base', label: 'Base', num: true, sortValue: (r) => r.base, render: (r) => num(r.base) },
    { key: 'head', label: 'Head', num: true, sortValue: (r) => r.head, render: (r) => num(r.head) },
    { key: 'unit', label: 'Unit', render: (r) => unitLabel(r.unit) },
    { key: 'delta', label: 'Δ', num: true, sortValue: (r) => r.delta, render: (r) => signed(r.delta) },
    { key: 'rel', label: 'Δ %', num: true, sortValue: (r) => r.relativeDelta, render: (r) => percent(r.relativeDelta) },
    { key: 'p', label: 'p-value', num: true, sortValue: (r) => r.pValue, render: (r) => pValue(r.pValue) },
    { key: 'sig', label: 'Significant', sortValue: (r) => (r.significant ? 1 : 0), render: (r) => (r.significant ? h('b', null, 'yes') : h('span', { class: 'muted' }, 'no')) },
    { key: 'status', label: 'Status', sortValue: (r) => statusRank[r.status] ?? 0, render: (r) => pill(r.status, r.status) },
    { key: 'specs', label: 'Specs (base → head)', render: specCell },
  ];
  const shown = compare.rows.filter(
    (r) =>
      (perDataId || r.dataId === null) &&
      (!onlySignificant || r.significant) &&
      (!filterText || `${r.metric} ${dataIdText(r.dataId)} ${r.status}`.toLowerCase().includes(filterText.toLowerCase())),
  );
  const tableHolder = h('div', null);
  const draw = () => {
    tableHolder.replaceChildren(
      table(columns, shown, {
        sort,
        onSort: (s) => {
          ctx.setQuery({ sort: s.key, dir: s.dir });
          Object.assign(sort, s);
          draw();
        },
        rowClass: (r) => `row-${r.status}`,
        empty: 'No row matches the filters.',
      }),
    );
  };
  draw();
  const search = h('input', { type: 'search', placeholder: 'filter: metric, data ID, status', value: filterText, 'data-testid': 'filter', style: { minWidth: '260px' } });
  search.addEventListener('change', () => ctx.setQuery({ q: search.value }, { rerender: true }));
  const check = (label: string, key: string, on: boolean) =>
    h('label', null, h('input', { type: 'checkbox', checked: on, 'data-testid': key, onchange: (e: Event) => ctx.setQuery({ [key]: (e.target as HTMLInputElement).checked ? '1' : null }, { rerender: true }) }), label);
  ctx.root.append(
    namedSection(
      'compare-table',
      h('span', null, 'Metrics ', h('span', { class: 'hint' }, `${shown.length} of ${compare.rows.length} rows; click a header to sort`)),
      h('div', { class: 'row', style: { marginBottom: '8px' } }, search, h('div', { class: 'checks' }, check('significant only', 'significant', onlySignificant), check('per data ID rows', 'dataIds', perDataId))),
      tableHolder,
    ),
  );
}
