// visualizer.mjs — the demo page's script: runs build/web/demo.mjs (web/demo.c),
// traced; polls its weft_demo_snapshot export and renders the timeline
// (timeline.mjs), the coroutine table, the counters, the host event loop
// (host-probe.mjs) and the live parts of the walkthrough; wires the
// controls to the program's other exports.
import { probe, onHostEvent } from './host-probe.mjs';
import { load } from '../runtime/js/weft.mjs';
import { drawTimeline, COLORS } from './timeline.mjs';
import { chosenBackend } from './backend-switch.mjs';

const $ = (id) => document.getElementById(id);
const POLL_MS = 150;
let program = null;
let running = false;
const output = [];

// ---- formatting ----
const bytes = (n) => (n < 10240 ? `${n} B` : n < 10485760 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);
const ms = (t) => (t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(1)} s`);
const count = (n) => Number(n).toLocaleString('en');
function setNum(id, value, text = count(value)) {
  const el = $(id);
  el.dataset.value = value;
  if (el.textContent !== text) el.textContent = text;
}
const esc = (text) => String(text).replace(/[<&"]/g, (c) => `&#${c.charCodeAt(0)};`);
function setText(el, text) { if (el.textContent !== text) el.textContent = text; }
function print(line) {
  output.push(line);
  if (output.length > 12) output.shift();
  $('log').textContent = output.join('\n');
}
function say(text) { $('message').textContent = text; }

// Channel and semaphore addresses in wait reasons, named by the program.
let objects = {};
const named = (waits) => waits.replace(/0x[0-9a-f]+/g, (p) => (objects[p] ? `“${objects[p]}”` : p));

// ---- tables: one <tr> per coroutine id, kept across polls ----
function syncRows(tbody, rows, make, update) {
  const have = new Map([...tbody.rows].map((tr) => [Number(tr.dataset.id), tr]));
  let prev = null;
  for (const r of rows) {
    let tr = have.get(r.id);
    if (!tr) {
      tr = make(r);
      tr.dataset.id = r.id;
    }
    have.delete(r.id);
    update(tr, r);
    const want = prev ? prev.nextSibling : tbody.firstChild;
    if (tr !== want) tbody.insertBefore(tr, want);
    prev = tr;
  }
  for (const tr of have.values()) tr.remove();
}

function makeRow(nCells) {
  const tr = document.createElement('tr');
  for (let i = 0; i < nCells; i++) tr.insertCell();
  return tr;
}

function nameCell(td, r) {
  const html = `${esc(r.name)}${r.role ? `<span class="role ${esc(r.role)}">${esc(r.role)}</span>` : ''}`;
  if (td.innerHTML !== html) td.innerHTML = html;
}

function stateCell(td, state) {
  if (td.dataset.state === state) return;
  td.dataset.state = state;
  td.innerHTML = `<span class="pill">${state}</span>`;
}

const LIVE = ['id', 'name', 'state', 'waits', 'note', 'for', 'runs', 'saved', 'stack', 'act'];
function liveRow(r) {
  const tr = makeRow(LIVE.length);
  LIVE.forEach((k, i) => { tr.cells[i].className = k; });
  for (const k of [0, 5, 6, 7, 8]) tr.cells[k].classList.add('num');
  tr.cells[0].textContent = r.id;
  if (r.role !== 'main' && r.role !== 'control') {
    tr.cells[9].innerHTML = `<button class="cancel" data-cancel="${r.id}" title="weft_cancel(${r.id})">cancel</button>`;
  }
  return tr;
}
function updateLive(tr, r) {
  tr.dataset.state = r.state;
  tr.dataset.role = r.role;
  tr.dataset.stack = r.stack;
  const c = tr.cells;
  nameCell(c[1], r);
  stateCell(c[2], r.state);
  setText(c[3], named(r.waits));
  c[3].title = r.waits;
  setText(c[4], r.note);
  setText(c[5], ms(r.for));
  setText(c[6], String(r.resumes));
  setText(c[7], bytes(r.save));
  setText(c[8], bytes(r.stack));
}

// Finished coroutines: the program remembers the last few seconds; the page
// keeps notable endings (cancelled, timed out, failed) for 30 s.
const finished = new Map();
function trackFinished(list) {
  const now = performance.now();
  for (const f of list) if (!finished.has(f.id)) finished.set(f.id, { ...f, seen: now - f.ago });
  for (const [id, f] of finished) if (now - f.seen > (f.state === 'done' ? 6000 : 30000)) finished.delete(id);
  let routine = 0;
  return [...finished.values()].sort((a, b) => b.seen - a.seen)
    .filter((f) => f.state !== 'done' || routine++ < 10).slice(0, 30);
}
function finishedRow(r) {
  const tr = makeRow(6);
  tr.cells[0].textContent = r.id;
  tr.cells[0].className = 'num';
  tr.cells[3].className = 'waits';
  tr.cells[5].className = 'num';
  return tr;
}
function updateFinished(tr, r) {
  tr.dataset.state = r.state;
  tr.dataset.role = r.role;
  nameCell(tr.cells[1], r);
  stateCell(tr.cells[2], r.state);
  setText(tr.cells[3], r.waits);
  setText(tr.cells[4], r.note);
  setText(tr.cells[5], ms(performance.now() - r.seen));
}

// ---- panels ----
function renderCounters(s, ev) {
  setNum('unwinds', s.unwinds);
  setNum('rewinds', s.rewinds);
  setNum('saved-bytes', s.saved_bytes, bytes(s.saved_bytes));
  setNum('held-bytes', s.held_bytes, bytes(s.held_bytes));
  setNum('switches', s.switches);
  setNum('spawned', s.spawned);
  setNum('live-count', s.live, `${s.live} · ${s.ready} · ${s.sleeping}`);
  setText($('events'), `hook events: ${count(ev.spawn)} spawn · ${count(ev.suspend)} suspend · ${count(ev.resume)} resume · ${count(ev.exit)} exit`);
}

function renderHost(snap) {
  const now = performance.now();
  const timers = [...probe.timers.values()].sort((a, b) => a.due - b.due);
  const fetches = [...probe.fetches.values()];
  setNum('timer-count', timers.length, `${timers.length} (weft: ${snap.stats.host_timers} armed)`);
  setNum('fetch-count', fetches.length);
  setText($('fetch-totals'), `${count(probe.answered)} · ${count(probe.failed)}`);
  const st = program.stats();
  setNum('host-ops', snap.stats.host_ops, `${snap.stats.host_ops} · ${st.handles}`);
  $('host-timers').innerHTML = timers.map((t) =>
    `<li><span>setTimeout: ${esc(t.who)}</span><span>due in ${ms(Math.max(0, t.due - now))}</span></li>`).join('');
  $('host-fetches').innerHTML = fetches.map((f) =>
    `<li><span>fetch ${esc(f.url)}</span><span>${ms(now - f.t0)}</span></li>`).join('');
}

function renderWork(snap) {
  const { crawl: c, pipeline: p, generator: g } = snap;
  setNum('crawl', c.ok, `${c.rounds} · ${count(c.ok)} · ${c.missing}`);
  setText($('crawl-bad'), `${c.timed_out} · ${c.cancelled}`);
  setText($('pipeline'), `${count(p.produced)} · ${count(p.squared)} · ${count(p.consumed)}`);
  setText($('generator'), g.got[0] ? `${g.got[0]} and ${g.got[1] || '…'} (${g.rounds} generators)` : '…');
  setText($('ticks'), count(snap.ticks));
}

// Walkthrough: point at rows that show what the text says, keeping the
// same example while it still fits.
let fetchExample = 0;
function renderWalkthrough(snap) {
  const rows = snap.rows;
  const isFetch = (r) => r.state === 'blocked' && r.waits.startsWith('fetch ');
  let ex = rows.find((r) => r.id === fetchExample && isFetch(r)) ?? rows.find(isFetch);
  fetchExample = ex?.id ?? 0;
  setText($('ex-fetch'), ex ? `Row #${ex.id} “${ex.name}”, waiting for “${ex.waits}”,`
    : 'A crawler row waiting for “fetch …” (none at this instant: the crawler pauses between crawls)');
  const gen = rows.find((r) => r.name === 'generator');
  const got = snap.generator.got;
  setText($('ex-gen'), gen ? `bar got ${got[0]} and ${got[1] || '…'}; row #${gen.id} “generator” waits for “${named(gen.waits) || 'nothing'}” with foo and intermediary frozen in its ${bytes(gen.save)} save area`
    : `bar got ${got[0] || '…'} and ${got[1] || '…'}`);
  setText($('ex-loop'), `Right now ${snap.stats.sleeping} coroutines are in the timer heap, the browser holds ${probe.timers.size} timer(s) for them, and ${probe.fetches.size} fetch() request(s) are in flight.`);
  const s = snap.stats;
  setText($('ex-unwind'), `So far: ${count(s.unwinds)} unwinds, ${bytes(s.saved_bytes)} saved in total; unfinished coroutines hold ${bytes(s.held_bytes)} now.`);
  setText($('ex-rewind'), `${count(s.rewinds)} rewinds so far.`);
}

function render(snap) {
  objects = snap.objects;
  const states = {};
  for (const r of snap.rows) states[r.state] = (states[r.state] ?? 0) + 1;
  $('state-counts').innerHTML = `<span>${snap.total} live</span>` + Object.entries(states)
    .map(([k, n]) => `<span><i style="--c: var(--${k})"></i>${n} ${k}</span>`).join('');
  syncRows($('live').tBodies[0], snap.rows, liveRow, updateLive);
  setText($('truncated'), snap.total > snap.rows.length ? `showing the first ${snap.rows.length} of ${snap.total}` : '');
  syncRows($('finished').tBodies[0], trackFinished(snap.finished), finishedRow, updateFinished);
  renderCounters(snap.stats, snap.events);
  renderHost(snap);
  renderWork(snap);
  renderWalkthrough(snap);
  drawTimeline($('timeline'), program.trace());
}

async function poll() {
  if (!running) return;
  try {
    render(JSON.parse(await program.call('weft_demo_snapshot')));
  } catch (e) {
    if (running) print(`[page] snapshot failed: ${e.message}`);
  }
  setTimeout(poll, POLL_MS);
}

// ---- controls ----
async function control(what, ...args) {
  if (!running) return { ok: false };
  try {
    return { ok: true, value: await program.call(what, ...args) };
  } catch (e) {
    say(`${what}: ${e.message}`);
    return { ok: false };
  }
}

document.querySelector('.controls').addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-spawn]');
  if (!b) return;
  const r = await control('weft_demo_spawn', b.dataset.spawn, Number(b.dataset.count));
  if (r.ok) say(`spawned ${b.dataset.count} × ${b.dataset.spawn}, from #${r.value}`);
});
$('live').addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-cancel]');
  if (!b) return;
  b.disabled = true;
  const id = Number(b.dataset.cancel);
  if ((await control('weft_demo_cancel', id)).ok) say(`weft_cancel(${id}): done`);
});
for (const kind of ['fetch', 'crawl']) {
  $(`deadline-${kind}`).addEventListener('click', async () => {
    const limit = Number($('deadline-ms').value);
    const r = await control('weft_demo_deadline', kind, limit);
    if (r.ok) say(`#${r.value}: a ${kind} under a ${limit} ms deadline`);
  });
}
$('stop').addEventListener('click', async () => {
  $('stop').disabled = true;
  $('status').textContent = 'stopping';
  await control('weft_demo_stop');
});

// ---- start ----
function tick() {
  $('clock').textContent = Math.round(performance.now());
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);

try {
  program = await load(new URL('../build/web/demo.mjs', import.meta.url), {
    stdout: print, stderr: (line) => print(`[stderr] ${line}`), onHostEvent, trace: true, traceLimit: 20000,
    backend: chosenBackend(),
  });
  $('timeline-legend').innerHTML = Object.entries(COLORS).map(([k, c]) => `<i style="--c: ${c}"></i>${k}`).join('');
  running = true;
  $('backend').dataset.running = program.backend;
  $('status').textContent = 'running';
  $('stop').disabled = false;
  program.run([]).then((code) => `exited with status ${code}`, (e) => `failed: ${e.message}`).then((text) => {
    running = false;
    $('status').textContent = text;
    $('stop').disabled = true;
  });
  poll();
} catch (e) {
  $('status').textContent = `failed to load: ${e.message}`;
}
