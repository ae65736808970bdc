// The /web page: play an episode by hand, watch an agent play, the leaderboard, and how to connect.
// Plain ES modules, no framework; every server call is in api.js.
import { firstFetch, takesArgument, usesAuth } from './actions.js';
import * as api from './api.js';
import { drawSnippets } from './connect.js';
import { $, fill, fmt, h, plural, statusBadge } from './dom.js';
import { LeaderboardTable } from './leaderboard.js';
import { callsOfTrajectory, keyOf, logEvent, marksOf, requestsOf, rowsOf } from './rows.js';
import { scoreChart } from './score.js';
import { describeRequest, drawTimeline } from './timeline.js';

/** The visitor's episode: the reset observation, its token, the calls made and what the end brought. */
const freshEpisode = (obs = null, token = null) => ({
  obs,
  token,
  calls: [],
  done: false,
  breakdown: null,
  trajectory: null,
  marks: null,
  shown: -1,
});
const ep = freshEpisode();
let tasks = [];
let agentList = [];
const board = new LeaderboardTable($('lb'), $('lb-note'));

// ---------------------------------------------------------------- setup

async function init() {
  api.whenUnauthorized(() => {
    $('key-box').hidden = false;
  });
  $('key-box').addEventListener('submit', (e) => {
    e.preventDefault();
    api.apiKey.set($('api-key').value.trim());
    location.reload();
  });
  try {
    tasks = await api.getTasks();
  } catch (e) {
    return showError($('setup-error'), e);
  }
  const select = $('task');
  for (const t of tasks) select.add(new Option(`${t.id.split('_')[0]} · ${t.title} (${t.challenge})`, t.id));
  const fromHash = new URLSearchParams(location.hash.slice(1));
  if (tasks.some((t) => t.id === fromHash.get('task'))) select.value = fromHash.get('task');
  else select.value = tasks.find((t) => t.id.startsWith('T4_'))?.id ?? tasks[0].id;
  if (/^\d+$/.test(fromHash.get('seed') ?? '')) $('seed').value = fromHash.get('seed');
  select.addEventListener('change', describeTask);
  $('profile').addEventListener('change', describeTask);
  $('seed').addEventListener('input', () => {
    describeAgentEpisode();
    drawConnect();
  });
  describeTask();
  $('seed-random').addEventListener('click', () => {
    $('seed').value = String(Math.floor(Math.random() * 1_000_000));
    describeAgentEpisode();
    drawConnect();
  });
  $('setup').addEventListener('submit', (e) => {
    e.preventDefault();
    start();
  });
  $('download').addEventListener('click', download);
  $('lb-refresh').addEventListener('click', refreshBoard);
  $('lb-profile').addEventListener('change', () => board.filter($('lb-profile').value));
  initAgents();
  // Polled: a page opened while the server is still computing entries shows them once they are ready.
  pollBoard();
}

function currentTask() {
  return tasks.find((t) => t.id === $('task').value);
}

function describeTask() {
  const t = currentTask();
  if (t === undefined) return;
  fill($('task-about'), h('strong', {}, `${t.title}: `), t.description);
  describeAgentEpisode();
  drawConnect();
}

function drawConnect() {
  const t = currentTask();
  if (t !== undefined) drawSnippets($('snippets'), api.serverRoot(), t, Number($('seed').value) || 0);
}

function setupFields() {
  const seed = Number($('seed').value);
  const fields = { task_id: $('task').value, seed, profile: $('profile').value };
  return fields;
}

async function start() {
  const err = $('setup-error');
  err.hidden = true;
  const fields = { ...setupFields(), result_format: 'compact' };
  const label = $('label').value.trim();
  if (label !== '') fields.agent_label = label;
  $('start').disabled = true;
  try {
    const r = await api.reset(fields, ep.token);
    Object.assign(ep, freshEpisode(r.observation, r.token));
    $('episode').hidden = false;
    $('result').hidden = true;
    $('download').disabled = true;
    fill($('download-hint'));
    drawTaskCard();
    drawTools();
    fill(
      $('reply'),
      h('p', { class: 'muted' }, 'Call a tool: get_task_info is free, every fetch_page costs a request.'),
    );
    drawEpisode();
    $('task-card').scrollIntoView({ behavior: 'smooth', block: 'start' });
    $('tool-get_task_info')?.focus({ preventScroll: true });
  } catch (e) {
    showError(err, e);
  } finally {
    $('start').disabled = false;
  }
}

function showError(el, e) {
  el.hidden = false;
  fill(el, e instanceof api.ApiError ? `${e.code}: ${e.message}` : String(e?.message ?? e));
}

// ---------------------------------------------------------------- the episode

function drawTaskCard() {
  const o = ep.obs;
  const c = o.constraints;
  const q = o.query;
  const fact = (dt, dd) => h('div', {}, h('dt', {}, dt), h('dd', {}, dd));
  fill(
    $('task-card'),
    h(
      'div',
      { class: 'card-head' },
      h('h3', {}, `${o.task_id} · ${o.title}`),
      h(
        'span',
        { class: 'pill' },
        `seed ${o.seed} · ${o.profile} profile · episode ${o.episode_id.slice(0, 8)}…`,
      ),
    ),
    h('p', { class: 'about' }, o.description),
    h(
      'dl',
      { class: 'facts' },
      fact('Query', `${q.reporterISO} → ${q.partnerISO}, ${q.year}, HS ${q.hs_chapter}`),
      fact('Request budget', fmt(c.request_budget)),
      fact('Page size', `default ${c.default_page_size}, max ${c.max_page_size}`),
      fact('Latency', `${c.latency_ms} ms / request`),
      fact('Longest wait', `${c.max_wait_s} s`),
      fact('Steps', `at most ${c.max_steps}`),
    ),
    h(
      'p',
      { class: 'hint' },
      'Primary key: ',
      h('code', {}, o.primary_key.join(', ')),
      '. Rows repeating a key are duplicates.',
    ),
  );
}

/** The tool forms, generated from the tools' JSON Schemas in the reset observation. */
function drawTools() {
  const forms = ep.obs.tools.map((tool) => {
    if (tool.name === 'submit_results')
      return h(
        'div',
        { class: 'tool' },
        h(
          'div',
          { class: 'tool-head' },
          h('code', {}, tool.name),
          h('span', { class: 'pill' }, 'free · ends the episode'),
        ),
        h(
          'p',
          { class: 'tool-desc' },
          'Submit from the Submit panel below: the rows you collected, cleaned as you choose.',
        ),
        about(tool),
      );
    const c = ep.obs.constraints;
    const props = tool.input_schema?.properties ?? {};
    // What this task's first call takes (page 1 or no cursor, the auth token): those fields are required.
    const first = tool.name === 'fetch_page' ? firstFetch(c, '') : {};
    const required = new Set([...(tool.input_schema?.required ?? []), ...Object.keys(first)]);
    const inputs = Object.entries(props)
      .filter(([name]) => tool.name !== 'fetch_page' || takesArgument(c, name))
      .map(([name, schema]) => fieldFor(name, schema, required.has(name), first[name]));
    const form = h(
      'form',
      {
        class: 'tool',
        'data-tool': tool.name,
        onsubmit: (e) => {
          e.preventDefault();
          const args = {};
          for (const input of form.querySelectorAll('input')) {
            if (input.value === '' || input.disabled) continue;
            args[input.name] = input.type === 'number' ? Number(input.value) : input.value;
          }
          call(tool.name, args);
        },
      },
      h(
        'div',
        { class: 'tool-head' },
        h('code', {}, tool.name),
        h('span', { class: 'pill' }, tool.name === 'fetch_page' ? 'costs one request' : 'free'),
      ),
      about(tool),
      inputs.length > 0 ? h('div', { class: 'fields' }, inputs) : null,
      h(
        'button',
        {
          type: 'submit',
          id: `tool-${tool.name}`,
          class: inputs.length > 0 ? '' : 'secondary',
          style: 'margin-top:.5rem',
        },
        tool.name === 'fetch_page' ? 'Fetch page' : `Call ${tool.name}`,
      ),
    );
    return form;
  });
  fill($('tools'), forms);
}

/** A tool's description (from its schema), folded. */
const about = (tool) => h('details', {}, h('summary', {}, 'What it does'), h('p', {}, tool.description));

/** What a text field holds before it is filled in (the page fills both from replies). */
const PLACEHOLDER = {
  cursor: 'empty: page 1 (a new listing)',
  auth_token: 'from get_task_info (free)',
};

/**
 * An input for one schema property: text for strings (cursor, auth_token), else a number; page size and
 * wait take their limits from the task. `value` is the first call's (firstFetch), else page size's maximum.
 */
function fieldFor(name, schema, required, value) {
  const c = ep.obs.constraints;
  const text = schema.type === 'string';
  const max = name === 'page_size' ? c.max_page_size : name === 'wait_s' ? c.max_wait_s : schema.maximum;
  const input = text
    ? {
        type: 'text',
        maxlength: schema.maxLength ?? null,
        spellcheck: 'false',
        // An empty cursor is a valid first call: never required.
        required: required && name !== 'cursor',
        value: value ?? '',
        placeholder: PLACEHOLDER[name] ?? (required ? '' : 'optional'),
      }
    : {
        type: 'number',
        required,
        min: schema.minimum ?? schema.exclusiveMinimum,
        max: max !== undefined && max < 1e12 ? max : null,
        step: schema.type === 'integer' ? 1 : 0.1,
        value: value ?? (name === 'page_size' ? c.max_page_size : ''),
        placeholder: required ? '' : 'optional',
      };
  return h(
    'label',
    { class: text ? 'field grow' : 'field', title: schema.description ?? '' },
    name,
    h('input', { name, id: `arg-${name}`, ...input }),
    h('span', { class: 'hint', id: `hint-${name}` }, schema.description ?? ''),
  );
}

async function call(name, args) {
  if (ep.done) return;
  const buttons = document.querySelectorAll('#tools button, #submit-form button');
  for (const b of buttons) b.disabled = true;
  let reply;
  try {
    reply = await api.callTool(ep.token, name, args);
  } catch (e) {
    fill(
      $('reply'),
      h('div', { class: 'badges' }, statusBadge(0, 'refused')),
      h('p', { class: 'error' }, `${e.code}: ${e.message}`),
    );
    for (const b of buttons) b.disabled = false;
    return;
  }
  ep.calls.push({ name, arguments: args, ...reply });
  ep.shown = ep.calls.length - 1;
  if (reply.done) await finish(reply);
  afterCall(name, args, reply);
  drawEpisode();
  for (const b of document.querySelectorAll('#tools button, #submit-form button')) b.disabled = ep.done;
}

/**
 * Moves the fetch form along: the next page (number or next_cursor) after a 200, the same page with its wait
 * after a 429, the restart_cursor after a 410; the token get_task_info issued into auth_token.
 */
function afterCall(name, args, reply) {
  const v = reply.value;
  if (v === null) return;
  const token = $('arg-auth_token');
  if (name === 'get_task_info' && token !== null && typeof v.auth?.auth_token === 'string')
    token.value = v.auth.auth_token;
  if (name !== 'fetch_page') return;
  const page = $('arg-page');
  const cursor = $('arg-cursor');
  const wait = $('arg-wait_s');
  const size = $('arg-page_size');
  if (size !== null && typeof v.page_size === 'number') {
    size.value = String(v.page_size);
    size.disabled = true;
    const hint = $('hint-page_size');
    if (hint !== null) hint.textContent = `locked at ${v.page_size} by the first fetch`;
  }
  // A 200 cut short (fewer rows than its row_count) is fetched again: the form stays on that page.
  if (cutShort(v)) {
    if (wait !== null) wait.value = '';
    return;
  }
  // On the last page (next_cursor null) the cursor stays: fetching again gets the same page.
  if (v.status === 200 && cursor !== null && typeof v.next_cursor === 'string') cursor.value = v.next_cursor;
  if (v.status === 410 && cursor !== null) cursor.value = v.restart_cursor;
  if (v.status === 200) {
    if (page !== null) page.value = String(Math.min(v.page + 1, v.total_pages));
    if (wait !== null) wait.value = '';
  } else if (v.status === 429 && wait !== null) {
    wait.value = String(v.retry_after_s);
  } else if (wait !== null) wait.value = '';
}

async function finish(reply) {
  ep.done = true;
  ep.breakdown = reply.value?.breakdown ?? null;
  $('result').hidden = false;
  fill($('score'), scoreChart(ep.breakdown, ep.obs.task_id));
  drawCompare();
  try {
    ep.trajectory = await api.getTrajectory(ep.obs.episode_id, ep.token);
    ep.marks = marksOf(ep.trajectory, ep.obs.primary_key);
    $('download').disabled = false;
    fill(
      $('download-hint'),
      'The trajectory is every call with the reply the server regenerates from it; ',
      h('code', {}, 'comtradebench rescore FILE'),
      ' replays it and checks the score. Rows marked dup or total above come from it.',
    );
  } catch (e) {
    fill($('download-hint'), `The trajectory is not available: ${e.code ?? ''} ${e.message}`);
  }
  if (ep.obs && $('label').value.trim() !== '') pollBoard();
}

function download() {
  if (ep.trajectory === null) return;
  const blob = new Blob([`${JSON.stringify(ep.trajectory)}\n`], { type: 'application/x-ndjson' });
  const a = h('a', {
    href: URL.createObjectURL(blob),
    download: `comtradebench-${ep.obs.task_id}-seed${ep.obs.seed}-${ep.obs.episode_id.slice(0, 8)}.jsonl`,
  });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Everything that follows the calls: the reply shown, timeline, submit panel and request log. */
function drawEpisode() {
  drawReply();
  drawTimeline($('timeline'), requestsOf(ep.calls), {
    budget: ep.obs.constraints.request_budget,
    latencyS: ep.obs.constraints.latency_ms / 1000,
  });
  drawSubmit();
  drawLog();
}

function drawReply() {
  const c = ep.calls[ep.shown];
  if (c === undefined) return;
  fill($('reply'), replyView(c, ep.shown));
}

function replyView(c, index) {
  const head = h(
    'p',
    { class: 'muted' },
    `Call ${index + 1}: `,
    h('code', {}, `${c.name}(${JSON.stringify(shortArgs(c))})`),
  );
  if (c.error !== null)
    return [
      head,
      h('div', { class: 'badges' }, statusBadge(0, 'tool error'), h('code', {}, c.error.code)),
      h('p', {}, c.error.message),
      h('p', { class: 'hint' }, 'A tool error costs no request.'),
    ];
  const v = c.value;
  if (c.name === 'fetch_page') return [head, pageView(v), rawJson(v)];
  if (c.name === 'submit_results')
    return [
      head,
      h(
        'div',
        { class: 'badges' },
        statusBadge(200, 'submitted'),
        h('span', { class: 'pill' }, `score ${fmt(v.score)} / 100`),
      ),
      h(
        'p',
        {},
        'The episode has ended: the score is below. Open any page from the request log: duplicates and ' +
          'totals rows are now marked, from the server’s trajectory.',
      ),
      rawJson(v),
    ];
  if (c.name === 'get_task_info') {
    const k = v.constraints;
    return [
      head,
      h(
        'div',
        { class: 'badges' },
        h('span', { class: 'pill' }, `${k.requests_used} requests used, ${k.requests_remaining} left`),
        h(
          'span',
          { class: 'pill' },
          k.page_size_locked === null
            ? 'page size not locked yet'
            : `page size locked at ${k.page_size_locked}`,
        ),
        h('span', { class: 'pill' }, `${k.steps_used} of ${k.max_steps} steps`),
        usesAuth(k) && v.auth
          ? h(
              'span',
              { class: 'pill' },
              `auth_token ${v.auth.auth_token}, valid until ${fmt(v.auth.expires_at_s)} s`,
            )
          : null,
      ),
      h(
        'ul',
        {},
        Object.values(v.rules ?? {}).map((r) => h('li', {}, typeof r === 'string' ? r : JSON.stringify(r))),
      ),
      rawJson(v),
    ];
  }
  return [head, rawJson(v)];
}

const shortArgs = (c) =>
  c.name === 'submit_results'
    ? Object.fromEntries(
        Object.entries(c.arguments).map(([k, x]) => [k, Array.isArray(x) ? `[${x.length}]` : x]),
      )
    : c.arguments;

function rawJson(v) {
  const text = JSON.stringify(v, null, 2);
  return h(
    'details',
    {},
    h('summary', { class: 'hint' }, 'the reply as JSON'),
    h(
      'pre',
      { class: 'mono', style: 'max-height:16rem;overflow:auto' },
      text.length > 60_000 ? `${text.slice(0, 60_000)}\n…` : text,
    ),
  );
}

const ADVICE = {
  429: (v) =>
    `Rate limited. Wait retry_after_s (${fmt(v.retry_after_s)} s: the wait field is filled in) and fetch page ${v.page} again. A request inside the window is rejected again, and costs a request.`,
  500: (v) => `A transient server error. Fetch page ${v.page} again.`,
  402: () => 'The request budget is spent. Submit what you have.',
  401: (v) =>
    `The auth token has expired. Call get_task_info (free: its new token is filled in), then fetch page ${v.page} again.`,
  504: (v) => `The request timed out. Fetch page ${v.page} again (waiting first only adds time).`,
  410: (v) =>
    `The cursor's listing has expired. Fetch again with restart_cursor (filled in): it resumes at page ${v.page}.`,
};

/** A 200 that served fewer rows than its row_count says the page holds (tasks with truncation). */
const cutShort = (v) => v.status === 200 && typeof v.row_count === 'number' && rowsOf(v).length < v.row_count;

function pageView(v) {
  const badges = h(
    'div',
    { class: 'badges' },
    statusBadge(v.status),
    h('span', { class: 'pill' }, v.status === 200 ? `page ${v.page} of ${v.total_pages}` : `page ${v.page}`),
    v.status === 200
      ? h('span', { class: 'pill' }, `${plural(rowsOf(v).length, 'row')} of ${fmt(v.total_rows)}`)
      : null,
    h('span', { class: 'pill' }, `${fmt(v.requests_remaining)} requests left`),
    h('span', { class: 'pill' }, `t = ${fmt(v.virtual_time_s)} s`),
  );
  if (v.status !== 200) return [badges, h('p', { class: 'advice' }, ADVICE[v.status]?.(v) ?? v.message)];
  if (cutShort(v))
    return [
      badges,
      h(
        'p',
        { class: 'advice' },
        `Cut short: ${plural(rowsOf(v).length, 'row')} of the ${fmt(v.row_count)} this page holds (row_count). Fetch page ${v.page} again.`,
      ),
      rowsTable(rowsOf(v)),
    ];
  return [badges, rowsTable(rowsOf(v))];
}

const ROW_COLUMNS = [
  'row_id',
  'period',
  'reporterISO',
  'partnerISO',
  'flowCode',
  'cmdCode',
  'qty',
  'netWgt',
  'primaryValue',
  'is_total',
];
const NUMERIC = new Set(['qty', 'netWgt', 'primaryValue']);
const MAX_ROWS_SHOWN = 300;

function rowsTable(rows) {
  const marks = ep.marks;
  let dups = 0;
  let totals = 0;
  const body = rows.slice(0, MAX_ROWS_SHOWN).map((row) => {
    const m = marks?.get(row.row_id);
    if (m?.kind === 'dup') dups += 1;
    if (m?.kind === 'total') totals += 1;
    return h(
      'tr',
      { class: m?.kind ?? null },
      ROW_COLUMNS.map((col, i) =>
        h(
          'td',
          { class: NUMERIC.has(col) ? 'num' : null },
          col === 'is_total'
            ? row.is_total
              ? 'yes'
              : ''
            : NUMERIC.has(col)
              ? fmt(row[col])
              : String(row[col] ?? ''),
          i === 0 && m?.kind === 'dup'
            ? h('span', { class: 'mark', title: `same key as ${m.of}` }, `dup of ${m.of}`)
            : null,
          i === 0 && m?.kind === 'total' ? h('span', { class: 'mark' }, 'totals row') : null,
        ),
      ),
    );
  });
  const note =
    marks === null
      ? h(
          'p',
          { class: 'hint' },
          'Duplicates and totals rows are marked once the episode has ended, from the server’s trajectory.',
        )
      : h(
          'p',
          { class: 'hint' },
          `On this page: ${plural(dups, 'duplicate')} of a key served earlier, ${plural(totals, 'totals row')}.`,
        );
  return [
    h(
      'div',
      { class: 'rows-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ROW_COLUMNS.map((c) => h('th', { class: NUMERIC.has(c) ? 'num' : null, scope: 'col' }, c)),
          ),
        ),
        h('tbody', {}, body),
      ),
    ),
    rows.length > MAX_ROWS_SHOWN
      ? h('p', { class: 'hint' }, `First ${MAX_ROWS_SHOWN} rows shown; the JSON has all.`)
      : null,
    note,
  ];
}

/** The rows collected so far (every row of every 200), in the order served. */
function collectedRows() {
  const rows = [];
  for (const c of ep.calls)
    if (c.name === 'fetch_page' && c.value?.status === 200) rows.push(...rowsOf(c.value));
  return rows;
}

function drawSubmit() {
  const form = $('submit-form');
  const rows = collectedRows();
  const pk = ep.obs.primary_key;
  const keys = new Set(rows.filter((r) => !r.is_total).map((r) => keyOf(r, pk)));
  const totals = rows.filter((r) => r.is_total === true).length;
  const prev = {
    dedup: form.querySelector('[name=dedup]')?.checked ?? true,
    totals: form.querySelector('[name=totals]')?.checked ?? true,
    log: form.querySelector('[name=log]')?.checked ?? true,
  };
  const requests = requestsOf(ep.calls);
  const check = (name, checked, text) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name, checked: checked ? true : null, disabled: ep.done }),
      text,
    );
  fill(
    form,
    h(
      'p',
      {},
      `Collected ${plural(rows.length, 'row')}: ${plural(keys.size, 'distinct key')}`,
      totals > 0 ? `, ${plural(totals, 'row')} flagged is_total` : '',
      '.',
    ),
    check('dedup', prev.dedup, 'Keep one row per primary key (drop repeats of a key already kept)'),
    check('totals', prev.totals, 'Drop rows flagged is_total (summary rows)'),
    check(
      'log',
      prev.log,
      `Send a run log of my ${plural(requests.length, 'request')} (page and status of each response)`,
    ),
    h(
      'button',
      { type: 'submit', id: 'submit', disabled: ep.done },
      ep.done ? 'Submitted' : 'Submit (ends the episode)',
    ),
  );
  form.onsubmit = (e) => {
    e.preventDefault();
    const dedup = form.querySelector('[name=dedup]').checked;
    const dropTotals = form.querySelector('[name=totals]').checked;
    const seen = new Set();
    const ids = [];
    for (const r of collectedRows()) {
      if (r.is_total === true && dropTotals) continue;
      const k = keyOf(r, pk);
      if (dedup && !r.is_total) {
        if (seen.has(k)) continue;
        seen.add(k);
      }
      ids.push(r.row_id);
    }
    const args = { row_ids: ids };
    if (form.querySelector('[name=log]').checked) args.run_log = requestsOf(ep.calls).map(logEvent);
    call('submit_results', args);
  };
}

function drawLog() {
  const list = $('log');
  fill($('log-count'), `(${ep.calls.length})`);
  fill(
    list,
    ep.calls.map((c, i) => {
      const v = c.value;
      const summary =
        c.error !== null
          ? `error ${c.error.code}`
          : c.name === 'fetch_page'
            ? `page ${v.page} → ${v.status}`
            : c.name === 'submit_results'
              ? `score ${fmt(v.score)}`
              : 'task info';
      return h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              ep.shown = i;
              drawReply();
              $('reply').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
            },
          },
          `${c.name}: ${summary}`,
        ),
      );
    }),
  );
}

// ---------------------------------------------------------------- watch an agent play

async function initAgents() {
  try {
    agentList = await api.getAgents();
  } catch (e) {
    return showError($('agent-error'), e);
  }
  const select = $('agent');
  for (const a of agentList)
    select.add(new Option(a.name === 'reference' ? 'reference (the canonical policy)' : a.name, a.name));
  select.addEventListener('change', describeAgent);
  describeAgent();
  $('agent-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runAgent();
  });
  $('rp-play').addEventListener('click', () => replay.toggle());
  $('rp-step').addEventListener('click', () => replay.step());
  $('rp-end').addEventListener('click', () => replay.end());
  $('rp-speed').addEventListener('change', () => replay.restartTimer());
}

function describeAgent() {
  const a = agentList.find((x) => x.name === $('agent').value);
  fill($('agent-about'), a?.description ?? '');
}

function describeAgentEpisode() {
  const t = currentTask();
  if (t === undefined) return;
  fill(
    $('agent-episode'),
    `On the episode chosen above: ${t.id}, seed ${Number($('seed').value) || 0}, ${$('profile').value} profile.`,
  );
}

const replay = {
  calls: [],
  trajectory: null,
  k: 0,
  timer: null,
  extent: null,
  budget: undefined,
  latencyS: 0.1,
  start(trajectory) {
    this.stop();
    this.trajectory = trajectory;
    this.calls = callsOfTrajectory(trajectory);
    const requests = requestsOf(this.calls);
    this.extent = { pages: Math.max(2, ...requests.map((r) => r.page)), seconds: requests.at(-1)?.t ?? 1 };
    // The budget and latency as the agent's get_task_info said them, else the catalogue's budget.
    const info = this.calls.find((c) => c.name === 'get_task_info' && c.value !== null)?.value?.constraints;
    this.budget = info?.request_budget ?? tasks.find((t) => t.id === trajectory.task_id)?.request_budget;
    this.latencyS = (info?.latency_ms ?? 100) / 1000;
    this.k = 0;
    $('replay').hidden = false;
    fill($('replay-title'), `${trajectory.agent} on ${trajectory.task_id}, seed ${trajectory.seed}`);
    fill($('cmp-agent'));
    this.draw();
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) this.end();
    else this.play();
  },
  draw() {
    const shown = this.calls.slice(0, this.k);
    const c = shown.at(-1);
    const req = requestsOf(shown);
    let now = 'Ready.';
    if (c !== undefined) {
      if (c.name === 'fetch_page' && c.value !== null) now = describeRequest(req.at(-1));
      else if (c.name === 'submit_results')
        now = `submit_results: ${plural(submittedCount(c.arguments), 'row')} → score ${fmt(c.value?.score ?? 0)}`;
      else if (c.error !== null) now = `${c.name}: error ${c.error.code}`;
      else now = `${c.name}`;
      now = `Call ${this.k} of ${this.calls.length}: ${now}`;
    }
    fill($('rp-now'), now);
    drawTimeline($('rp-timeline'), req, {
      budget: this.budget,
      latencyS: this.latencyS,
      extent: this.extent,
    });
    $('rp-play').textContent =
      this.timer === null ? (this.k >= this.calls.length ? 'Replay' : 'Play') : 'Pause';
    if (this.k >= this.calls.length) this.finish();
  },
  tick() {
    if (this.k >= this.calls.length) return this.stop();
    this.k += 1;
    this.draw();
  },
  play() {
    if (this.k >= this.calls.length) this.k = 0;
    this.restartTimer(true);
    this.draw();
  },
  restartTimer(force = false) {
    if (this.timer === null && !force) return;
    if (this.timer !== null) clearInterval(this.timer);
    const speed = Number($('rp-speed').value) || 1;
    this.timer = setInterval(() => this.tick(), 500 / speed);
  },
  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  },
  toggle() {
    if (this.timer === null) this.play();
    else {
      this.stop();
      this.draw();
    }
  },
  step() {
    this.stop();
    if (this.k < this.calls.length) this.k += 1;
    this.draw();
  },
  end() {
    this.stop();
    this.k = this.calls.length;
    this.draw();
  },
  finish() {
    this.stop();
    $('rp-play').textContent = 'Replay';
    $('compare').hidden = false;
    fill($('cmp-agent-h'), `${this.trajectory.agent}`);
    fill(
      $('cmp-agent'),
      scoreChart(this.trajectory.breakdown, `${this.trajectory.task_id} · seed ${this.trajectory.seed}`),
    );
    drawCompare();
  },
};

const submittedCount = (args) =>
  Array.isArray(args?.rows) ? args.rows.length : Array.isArray(args?.row_ids) ? args.row_ids.length : 0;

async function runAgent() {
  const err = $('agent-error');
  err.hidden = true;
  $('agent-run').disabled = true;
  try {
    const t = await api.runAgent({ agent: $('agent').value, ...setupFields() });
    replay.start(t);
    $('replay').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  } catch (e) {
    showError(err, e);
  } finally {
    $('agent-run').disabled = false;
  }
}

/** The visitor's score beside the agent's. */
function drawCompare() {
  if (!ep.done) return;
  $('cmp-you-card').hidden = false;
  fill($('cmp-you'), scoreChart(ep.breakdown, `${ep.obs.task_id} · seed ${ep.obs.seed}`));
}

// ---------------------------------------------------------------- leaderboard

async function refreshBoard() {
  try {
    const doc = await api.getLeaderboard();
    board.show(doc);
    fill($('versions'), `ComtradeBench: benchmark ${doc.benchmark_version}, judge ${doc.judge_version}.`);
    return doc;
  } catch (e) {
    fill($('lb'), h('p', { class: 'error' }, `The leaderboard is not available: ${e.message}`));
    return null;
  }
}

/** Refreshes until no entry is still being computed (a few seconds at most). */
async function pollBoard() {
  for (let i = 0; i < 20; i++) {
    const doc = await refreshBoard();
    if (doc === null || doc.pending === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

init();
