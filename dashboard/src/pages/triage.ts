import { h, notice, pill, section } from '../dom.ts';
import { ago, dateTime } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import type { RegressionStatus } from '../generated/graphql.ts';
import { gql, GraphQLRequestError } from '../gql.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';

export interface RegressionEvent {
  fromStatus: string;
  toStatus: string;
  actor: string;
  note: string;
  at: string;
}

/** What a regression in each status can become, as the buttons say it. */
const ACTIONS: Record<string, { to: string; label: string }[]> = {
  open: [
    { to: 'acknowledged', label: 'Acknowledge' },
    { to: 'fixed', label: 'Mark fixed' },
    { to: 'false_alarm', label: 'False alarm' },
  ],
  acknowledged: [
    { to: 'fixed', label: 'Mark fixed' },
    { to: 'open', label: 'Reopen' },
  ],
  fixed: [{ to: 'open', label: 'Reopen' }],
  false_alarm: [{ to: 'open', label: 'Reopen' }],
};

/**
 * Triage of a regression: acknowledge, mark fixed, call a false alarm or reopen, always with a
 * note saying why; the server records who did it (the token saved in this browser) and refuses
 * what the user may not do, and the refusal is shown as the server words it.
 */
export function triagePanel(ctx: PageContext, r: { id: number; status: string; history: RegressionEvent[] }): HTMLElement {
  const note = h('input', { type: 'text', placeholder: 'why (required)', 'data-testid': 'triage-note', style: { minWidth: '320px' } });
  const message = h('div', { 'data-testid': 'triage-message' });
  const act = async (to: string) => {
    message.replaceChildren();
    try {
      await gql(graphql(`mutation SetRegressionStatus($id: Int!, $s: RegressionStatus!, $n: String) { setRegressionStatus(id: $id, status: $s, note: $n) { status } }`), { id: r.id, s: to as RegressionStatus, n: note.value });
      ctx.reload();
    } catch (e) {
      const why = e instanceof GraphQLRequestError && e.code === 'UNAUTHENTICATED' ? `${e.message}: save a token in this browser (top bar) to triage.` : (e as Error).message;
      message.append(notice('error', 'Not changed', why));
    }
  };
  const buttons = (ACTIONS[r.status] ?? []).map((a) => h('button', { class: 'btn', type: 'button', 'data-action': a.to, onclick: () => void act(a.to) }, a.label));
  const history = table(
    [
      { key: 'at', label: 'When', render: (e: RegressionEvent) => h('span', { class: 'nowrap', title: dateTime(e.at) }, ago(e.at)) },
      { key: 'who', label: 'Who', render: (e) => e.actor },
      { key: 'change', label: 'Status', render: (e) => [pill(e.fromStatus, e.fromStatus), ' → ', pill(e.toStatus, e.toStatus)] },
      { key: 'note', label: 'Why', render: (e) => e.note },
    ],
    [...r.history].reverse(),
    { empty: 'Nobody has triaged this regression yet.' },
  );
  return section(
    h('span', null, 'Triage ', h('span', { class: 'hint' }, 'who changed the status, and why')),
    h('div', { class: 'row', style: { gap: '8px', marginBottom: '10px', flexWrap: 'wrap' } }, h('span', { 'data-testid': 'triage-status' }, pill(r.status, r.status)), note, ...buttons),
    message,
    h('div', { 'data-testid': 'triage-history' }, history),
  );
}
