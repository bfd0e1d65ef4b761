import { h, type Child } from './dom.ts';

export interface Column<T> {
  key: string;
  label: string;
  num?: boolean;
  /** What sorting compares; columns without it do not sort. */
  sortValue?: (row: T) => string | number | null | undefined;
  render: (row: T) => Child;
  title?: string;
}

export interface TableOptions<T> {
  sort?: { key: string; dir: 'asc' | 'desc' } | undefined;
  onSort?: (sort: { key: string; dir: 'asc' | 'desc' }) => void;
  rowClass?: (row: T) => string | undefined;
  onRowClick?: (row: T) => void;
  /** Rows after the first `limit` are left out, with a note saying how many. */
  limit?: number | undefined;
  /** Offered as "show all" when rows were left out. */
  onShowAll?: () => void;
  empty?: string;
}

/** Nulls last in either direction; numbers numerically; strings naturally. */
export function sortRows<T>(rows: readonly T[], column: Column<T> | undefined, dir: 'asc' | 'desc'): T[] {
  if (!column?.sortValue) return [...rows];
  const value = column.sortValue;
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    const xNull = x === null || x === undefined || (typeof x === 'number' && !Number.isFinite(x));
    const yNull = y === null || y === undefined || (typeof y === 'number' && !Number.isFinite(y));
    if (xNull || yNull) return xNull === yNull ? 0 : xNull ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y), undefined, { numeric: true });
  });
}

export function table<T>(columns: Column<T>[], rows: readonly T[], opts: TableOptions<T> = {}): HTMLElement {
  const sortCol = columns.find((c) => c.key === opts.sort?.key);
  const sorted = sortRows(rows, sortCol, opts.sort?.dir ?? 'asc');
  const shown = opts.limit !== undefined ? sorted.slice(0, opts.limit) : sorted;
  const head = h(
    'tr',
    null,
    ...columns.map((c) => {
      const active = opts.sort?.key === c.key;
      const sortable = Boolean(c.sortValue && opts.onSort);
      return h(
        'th',
        {
          class: [c.num ? 'num' : '', sortable ? 'sortable' : ''].join(' ').trim() || null,
          title: c.title ?? (sortable ? 'sort' : null),
          'data-key': c.key,
          'aria-sort': active ? (opts.sort!.dir === 'asc' ? 'ascending' : 'descending') : null,
          onclick: sortable ? () => opts.onSort!({ key: c.key, dir: active && opts.sort!.dir === 'desc' ? 'asc' : active ? 'desc' : c.num ? 'desc' : 'asc' }) : null,
        },
        c.label,
        active ? h('span', { class: 'arrow' }, opts.sort!.dir === 'asc' ? '▲' : '▼') : null,
      );
    }),
  );
  const body = shown.map((r) =>
    h(
      'tr',
      { class: [opts.rowClass?.(r) ?? '', opts.onRowClick ? 'clickable' : ''].join(' ').trim() || null, onclick: opts.onRowClick ? () => opts.onRowClick!(r) : null },
      ...columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.render(r))),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', null, h('thead', null, head), h('tbody', null, ...body)),
    rows.length === 0 ? h('div', { class: 'table-foot' }, opts.empty ?? 'Nothing to show.') : null,
    shown.length < rows.length
      ? h('div', { class: 'table-foot' }, `Showing ${shown.length} of ${rows.length} rows. `, opts.onShowAll ? h('button', { class: 'btn', type: 'button', onclick: opts.onShowAll }, 'Show all') : null)
      : null,
  );
}
