'use strict';
// The saga explorer's page: no build step, no framework. Lists recent sagas (polled), and draws one
// saga's timeline (GET /api/sagas/<orderId>, i.e. describeSaga) as a waterfall of its hops.
const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child);
  return node;
};
const ms = (value) => (value === undefined || value === null ? '' : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(value < 10000 ? 2 : 1)} s`);
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) + '.' + String(new Date(iso).getMilliseconds()).padStart(3, '0') : '');
// The cancellation and every compensation's answer, as the saga's declaration has them (/api/topology).
let COMPENSATION = new Set();
const topologyReady = fetch('/api/topology')
  .then((response) => response.json())
  .then((topology) => {
    COMPENSATION = new Set(topology.compensationTypes);
  })
  .catch(() => undefined);

let selected = decodeURIComponent(location.hash.slice(1)) || undefined;
let selectedFinished = false;

const renderList = (sagas) => {
  const body = $('#sagas tbody');
  body.replaceChildren(
    ...sagas.map((s) =>
      el(
        'tr',
        { class: s.orderId === selected ? 'selected' : '', 'data-order-id': s.orderId, 'data-status': s.status, onclick: () => select(s.orderId) },
        el('td', {}, el('span', { class: `status ${s.status}` }, s.status)),
        el('td', { class: 'mono' }, s.orderId.slice(0, 8)),
        el('td', {}, time(s.startedAt)),
        el('td', { class: 'ms' }, ms(s.durationMs)),
        el('td', { class: 'reason' }, s.reason || ''),
      ),
    ),
  );
  $('#empty').hidden = sagas.length > 0;
};

const refreshList = async () => {
  try {
    const response = await fetch('/api/sagas?limit=50');
    if (response.ok) renderList((await response.json()).sagas);
  } catch {
    /* the stack is restarting: try again on the next tick */
  }
};

/** Bars positioned in % of the saga's span, from its start to its last recorded instant. */
const scaleOf = (timeline) => {
  const instants = [Date.parse(timeline.startedAt)];
  for (const e of timeline.events) {
    instants.push(Date.parse(e.committedAt));
    if (e.publishedAt) instants.push(Date.parse(e.publishedAt));
    for (const c of e.consumers) if (c.processedAt) instants.push(Date.parse(c.processedAt));
  }
  const start = Math.min(...instants);
  const end = Math.max(...instants, start + 1);
  return { start, end, at: (iso) => ((Date.parse(iso) - start) / (end - start)) * 100 };
};

const bar = (scale, kind, from, to, title) => {
  if (!from) return null;
  const left = scale.at(from);
  const right = to ? scale.at(to) : 100;
  return el('div', { class: `bar ${kind}`, title, style: { left: `${left}%`, width: `${Math.max(right - left, 0.3)}%` } });
};

const renderDetail = (timeline) => {
  selectedFinished = timeline.finished;
  const scale = scaleOf(timeline);
  const rows = [];
  for (const event of timeline.events) {
    const compensation = COMPENSATION.has(event.type) ? ' compensation' : '';
    rows.push(
      el(
        'div',
        { class: `row event${compensation}`, 'data-event-type': event.type },
        el('div', { class: 'label' }, event.type, ' ', el('span', { class: 'path' }, `${event.producer}${event.publishedBy ? ` · via ${event.publishedBy}` : ' · unpublished'}`)),
        el('div', { class: 'track' }, bar(scale, event.publishedAt ? 'outbox' : 'waiting', event.committedAt, event.publishedAt, `outbox: committed ${time(event.committedAt)} → published ${time(event.publishedAt)}`)),
        el('div', { class: 'ms' }, ms(event.outboxLagMs)),
      ),
    );
    if (event.unpublishableReason) rows.push(el('div', { class: 'row consumer' }, el('div', { class: 'label deadletters' }, `cannot be published: ${event.unpublishableReason}`), el('div'), el('div')));
    for (const c of event.consumers) {
      rows.push(
        el(
          'div',
          { class: `row consumer${compensation}`, 'data-consumer': c.consumer, 'data-status': c.status },
          el('div', { class: 'label' }, `→ ${c.consumer}`, ' ', el('span', { class: 'path' }, c.service), c.duplicatesSkipped ? el('span', { class: 'dup' }, ` ${c.duplicatesSkipped} duplicate${c.duplicatesSkipped > 1 ? 's' : ''} skipped`) : null),
          el(
            'div',
            { class: 'track' },
            c.status === 'processed'
              ? [bar(scale, 'delivery', event.publishedAt, c.startedAt, `delivery ${ms(c.deliveryMs)}`), bar(scale, 'processing', c.startedAt, c.processedAt, `processing ${ms(c.processingMs)}`)]
              : bar(scale, 'waiting', event.publishedAt || event.committedAt, undefined, 'waiting'),
          ),
          el('div', { class: 'ms' }, c.status === 'processed' ? ms((c.deliveryMs || 0) + (c.processingMs || 0)) : 'waiting'),
        ),
      );
    }
  }
  const hops = el(
    'table',
    { class: 'hops' },
    el('thead', {}, el('tr', {}, el('th', {}, 'hop'), el('th', {}, 'via'), el('th', {}, 'outbox'), el('th', {}, 'delivery'), el('th', {}, 'processing'), el('th', {}, 'total'))),
    el(
      'tbody',
      {},
      timeline.hops.map((h) =>
        el('tr', {}, el('td', {}, `${h.from.type} → ${h.to.type}`), el('td', {}, h.via), el('td', { class: 'ms' }, ms(h.outboxLagMs)), el('td', { class: 'ms' }, ms(h.deliveryMs)), el('td', { class: 'ms' }, ms(h.processingMs)), el('td', { class: 'ms' }, ms(h.latencyMs))),
      ),
    ),
  );
  $('#detail').replaceChildren(
    ...[
    el('h2', {}, 'Saga of order ', el('span', { class: 'mono' }, timeline.orderId)),
    el(
      'div',
      { class: 'summary' },
      el('span', { id: 'detail-status', class: `status ${timeline.status}` }, timeline.status),
      el('span', {}, `duration ${ms(timeline.durationMs)}`),
      el('span', {}, timeline.finished ? 'finished' : 'in progress'),
      timeline.reason ? el('span', { id: 'detail-reason' }, `reason: ${timeline.reason}`) : null,
      el('span', {}, `deadline ${time(timeline.deadline)}`),
      el('span', {}, `duplicates skipped: ${timeline.duplicatesSkipped}`),
    ),
    el(
      'div',
      { class: 'legend hint' },
      el('span', {}, el('i', { style: { background: 'var(--outbox)' } }), 'outbox → bus'),
      el('span', {}, el('i', { style: { background: 'var(--delivery)' } }), 'delivery'),
      el('span', {}, el('i', { style: { background: 'var(--processing)' } }), 'processing'),
      el('span', {}, el('i', { style: { background: 'var(--comp)' } }), 'compensation'),
      el('span', {}, el('i', { class: 'bar waiting', style: { position: 'static' } }), 'waiting'),
    ),
    el('div', { class: 'waterfall' }, rows),
    timeline.waitingFor.length ? [el('h3', {}, 'Waiting for'), el('ul', { class: 'waiting' }, timeline.waitingFor.map((w) => el('li', {}, w.what)))] : null,
    timeline.deadLetters.length
      ? [el('h3', {}, 'Dead letters'), el('ul', { class: 'deadletters' }, timeline.deadLetters.map((d) => el('li', { 'data-dead-letter': d.id }, `${time(d.at)} ${d.consumer}: ${d.reason}`)))]
      : null,
    timeline.consumerFailures?.length
      ? [
          el('h3', {}, 'Gave up (on-failure destination)'),
          el(
            'ul',
            { class: 'deadletters' },
            timeline.consumerFailures.map((f) => el('li', { 'data-consumer-failure': f.eventId }, `${time(f.at)} ${f.consumer} gave up on ${f.type} after ${f.attempts} attempts: ${f.error}; once fixed, replay it: replayEvents {"eventId":"${f.eventId}"}`)),
          ),
        ]
      : null,
    el('h3', {}, 'Hops'),
    hops,
    ]
      .flat()
      .filter(Boolean),
  );
};

const loadDetail = async () => {
  if (!selected) return;
  await topologyReady;
  const response = await fetch(`/api/sagas/${encodeURIComponent(selected)}`);
  const body = await response.json();
  if (!response.ok) {
    $('#detail').replaceChildren(el('p', { class: 'deadletters' }, body.message || 'Could not describe this saga'));
    return;
  }
  renderDetail(body);
};

const select = (orderId) => {
  selected = orderId;
  selectedFinished = false;
  location.hash = encodeURIComponent(orderId);
  for (const row of document.querySelectorAll('#sagas tbody tr')) row.classList.toggle('selected', row.dataset.orderId === orderId);
  void loadDetail();
};

const tick = async () => {
  await refreshList();
  // A saga still in progress keeps moving: redraw it too.
  if (selected && !selectedFinished) await loadDetail().catch(() => undefined);
};

void tick();
setInterval(() => void tick(), 2000);
