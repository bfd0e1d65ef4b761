import type { DashboardDefinition } from '../../../contracts/dashboard-model.ts';
import { measuredSeries } from '../api.ts';
import { h, notice, section, select } from '../dom.ts';
import { ago } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import { renderPanel } from '../panels/render.ts';
import { resolveVariables, valuesOf, type ResolvedVariable } from '../panels/variables.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { DashboardsQuery } from '../generated/graphql.ts';

/** A stored dashboard; its definition is JSON in the schema, checked by the server when saved. */
type DashboardRow = Omit<DashboardsQuery['dashboards'][number], 'definition'> & { definition: DashboardDefinition };

export async function dashboardsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Dashboards');
  const { dashboards: stored } = await gql(graphql(`query Dashboards { dashboards { slug title owner builtin updatedAt definition } }`), {}, ctx.signal);
  const dashboards = stored as DashboardRow[];
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'title-block' }, h('h1', null, 'Dashboards'), h('div', { class: 'subtitle' }, 'Rows of panels over variables, stored as JSON. Export one with `vera dashboards export <slug>`, edit it, and import it with `vera dashboards import file.json`.')),
    ),
  );
  if (!dashboards.length) {
    ctx.root.append(notice('empty', 'No dashboards', 'The shipped ones load when `vera serve` starts; import your own with `vera dashboards import file.json`.'));
    return;
  }
  ctx.root.append(
    section(
      `${dashboards.length} dashboards`,
      table(
        [
          { key: 'title', label: 'Dashboard', render: (d: DashboardRow) => h('a', { href: link.dashboard(d.slug) }, d.title) },
          { key: 'description', label: 'About', render: (d) => h('span', { class: 'muted' }, d.definition.description) },
          { key: 'panels', label: 'Panels', num: true, render: (d) => d.definition.rows.reduce((s, r) => s + r.panels.length, 0) },
          { key: 'owner', label: 'Owner', render: (d) => (d.builtin && !d.owner ? h('span', { class: 'muted' }, 'builtin') : d.owner) },
          { key: 'updated', label: 'Updated', render: (d) => ago(d.updatedAt) },
        ],
        dashboards,
        { onRowClick: (d) => ctx.navigate(link.dashboard(d.slug)) },
      ),
    ),
  );
}

function variableControl(ctx: PageContext, r: ResolvedVariable): HTMLElement {
  const v = r.variable;
  const label = v.label ?? v.name;
  const set = (values: string[]) => ctx.setQuery({ [`var-${v.name}`]: values }, { rerender: true });
  if (v.kind === 'text') {
    const input = h('input', { type: 'text', value: r.values[0] ?? '' });
    input.addEventListener('change', () => set([input.value]));
    return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input);
  }
  if (v.multi) {
    return h(
      'div',
      { class: 'field' },
      h('span', { class: 'field-label' }, label),
      h(
        'div',
        { class: 'checks' },
        ...r.options.map((o) =>
          h(
            'label',
            null,
            h('input', {
              type: 'checkbox',
              checked: r.values.includes(o),
              onchange: (e: Event) => {
                const next = (e.target as HTMLInputElement).checked ? [...r.values, o] : r.values.filter((x) => x !== o);
                if (next.length) set(next);
              },
            }),
            o,
          ),
        ),
        r.options.length ? null : h('span', { class: 'muted' }, 'none measured'),
      ),
    );
  }
  return select(label, (r.options.length ? r.options : r.values).map((o) => ({ value: o })), r.values[0] ?? '', (x) => set([x]));
}

function editor(ctx: PageContext, d: DashboardRow): HTMLElement {
  const area = h('textarea', { class: 'json-editor', spellcheck: 'false' }, JSON.stringify(d.definition, null, 2));
  const status = h('div', { class: 'muted' });
  const save = async () => {
    let definition: unknown;
    try {
      definition = JSON.parse(area.value);
    } catch (e) {
      status.replaceChildren(notice('error', 'Not JSON', (e as Error).message));
      return;
    }
    try {
      const { saveDashboard } = await gql(graphql(`mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug } }`), { d: definition });
      ctx.navigate(link.dashboard(saveDashboard.slug));
    } catch (e) {
      status.replaceChildren(notice('error', 'Not saved', (e as Error).message));
    }
  };
  return section(
    h('span', null, 'Edit JSON ', h('span', { class: 'hint' }, 'saving needs a token (top right): your own dashboards, or any as admin')),
    area,
    h('div', { class: 'row', style: { marginTop: '8px' } }, h('button', { class: 'btn primary', type: 'button', onclick: () => void save() }, 'Save'), status),
  );
}

export async function dashboardPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params[0]!;
  const { dashboard } = await gql(graphql(`query Dashboard($s: String!) { dashboard(slug: $s) { slug title owner builtin updatedAt definition } }`), { s: slug }, ctx.signal);
  if (!dashboard) {
    ctx.root.append(notice('empty', `No dashboard '${slug}'`, h('a', { href: link.dashboards() }, 'See all dashboards')));
    return;
  }
  const d = dashboard.definition as DashboardDefinition;
  ctx.setTitle(d.title);
  // Variables take their options from what has been measured; a dashboard without any skips asking.
  const series = d.variables.length ? await measuredSeries(ctx.signal) : undefined;
  const resolved = await resolveVariables(d.variables, ctx.query, series ?? [], ctx.signal);
  const values = valuesOf(resolved);
  const editHolder = h('div', null);
  const exportHref = URL.createObjectURL(new Blob([`${JSON.stringify(d, null, 2)}\n`], { type: 'application/json' }));
  ctx.onLeave(() => URL.revokeObjectURL(exportHref));
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'title-block' }, h('div', { class: 'crumbs' }, h('a', { href: link.dashboards() }, 'Dashboards'), ' / dashboard'), h('h1', null, d.title), d.description ? h('div', { class: 'subtitle' }, d.description) : null),
      h(
        'div',
        { class: 'controls' },
        h('a', { class: 'btn', href: exportHref, download: `${d.slug}.json` }, 'Export JSON'),
        h('button', { class: 'btn', type: 'button', onclick: () => editHolder.replaceChildren(editHolder.childElementCount ? '' : editor(ctx, dashboard as DashboardRow)) }, 'Edit JSON'),
      ),
    ),
    resolved.length ? h('div', { class: 'controls card', 'data-testid': 'variables' }, ...resolved.map((r) => variableControl(ctx, r))) : '',
    editHolder,
  );
  if (series && !series.length) ctx.root.append(notice('empty', 'No measurements yet', 'Panels fill in once runs with metric tasks have measured something: run vera run pipelines/drp.yaml ...'));
  for (const row of d.rows) {
    if (row.title) ctx.root.append(h('div', { class: 'dash-row-title' }, row.title.replace(/\$\{?([a-zA-Z_]\w*)\}?/g, (m, n: string) => values.get(n)?.join(', ') ?? m)));
    ctx.root.append(h('div', { class: 'grid grid-12' }, ...row.panels.map((p) => renderPanel(ctx, p, values, row.heightPx))));
  }
}
