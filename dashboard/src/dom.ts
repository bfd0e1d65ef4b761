/**
 * A tiny hyperscript: `h('a', { href: '/x', class: 'link' }, 'text', child)`. Text is always set
 * as text (never parsed as HTML), so values from the server cannot inject markup.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
type Listener = (e: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Listener | Partial<CSSStyleDeclaration>>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else if (k === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** An SVG element (sparklines, icons). */
export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: SVGElement[]): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** A notice in place of content: empty data, errors, hints. */
export function notice(kind: 'empty' | 'error' | 'info', title: string, ...body: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('strong', null, title), body.length ? h('div', { class: 'notice-body' }, ...body) : null);
}

export function section(title: Child, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', { class: 'card-title' }, title), ...children);
}

/** A section with a `data-testid`, for the browser tests and for styling. */
export function namedSection(testId: string, title: Child, ...children: Child[]): HTMLElement {
  const el = section(title, ...children);
  el.dataset.testid = testId;
  return el;
}

export function pill(text: string, kind: string): HTMLElement {
  return h('span', { class: `pill pill-${kind}` }, text);
}

/** A labelled <select>; `onChange` gets the new value. */
export function select(label: string, options: { value: string; label?: string }[], value: string, onChange: (v: string) => void, attrs: Attrs = {}): HTMLElement {
  const sel = h(
    'select',
    { ...attrs, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) },
    ...options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label ?? o.value)),
  );
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), sel);
}
