// Small DOM helpers: elements are built with textContent, never innerHTML, so server text is never markup.

/**
 * An element: h('div', { class: 'x', onclick: f }, child, ...). Children are nodes, strings or arrays;
 * null and false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element, with the same attribute rules as h(). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const $ = (id) => document.getElementById(id);

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** "3 rows", "1 row". */
export const plural = (n, one, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** A number for people: thousands separated, at most `digits` decimals. */
export function fmt(x, digits = 2) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return String(x);
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/**
 * The statuses of fetch_page replies (docs/benchmark.md): what each is called and its colour (style.css).
 * The first four can happen on every task; the others only on the tasks whose rules add them.
 */
export const STATUSES = {
  200: { name: 'served', colour: 'var(--ok)' },
  429: { name: 'rate limited', colour: 'var(--warn)' },
  500: { name: 'server error', colour: 'var(--bad)' },
  402: { name: 'budget exhausted', colour: 'var(--budget)' },
  401: { name: 'token expired', colour: 'var(--auth)' },
  504: { name: 'gateway timeout', colour: 'var(--slow)' },
  410: { name: 'cursor expired', colour: 'var(--expired)' },
};
export const EVERY_TASK_STATUSES = [200, 429, 500, 402];

/** A status badge, coloured by status; anything else as an error. */
export function statusBadge(status, text = String(status)) {
  const cls = status in STATUSES ? `st st${status}` : 'st sterr';
  return h('span', { class: cls }, text);
}
