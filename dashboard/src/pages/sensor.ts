// Sensor: one timeline per metric (average per bucket with its min/max band, the rules' thresholds,
// events marked) over a preset or custom frame at an automatic or chosen granularity; dragging on a
// chart zooms to that span; new readings are merged in live while the frame ends now. Beside it: the
// sensor's alarms, recent logs and events.
import { api, ApiError, apiPath, describeError, enc, isMissing } from '../api';
import {
  autoBucket,
  type BucketChoice,
  DURATION_BUCKETS,
  LEGACY_BUCKETS,
  needsTimeZone,
  pointsFor,
  resolveBucket,
} from '../buckets';
import { createTimeline, type EventMark, type Threshold, type Timeline } from '../chart';
import { button, field, h, input, notice, replace, select } from '../dom';
import { formatValue, timeEl } from '../format';
import { followLive, liveBadge } from '../live-view';
import type { PageContext } from '../page';
import { type RuleView, rulesFor, thresholdsFromEvents } from '../rules-match';
import { addReading, columnsOf, dropBefore, type Point, pointsOf } from '../series';
import { levelBadge, severityBadge } from '../severity';
import { customParams, fromLocalInput, PRESETS, resolveFrame, type TimeFrame, toLocalInput } from '../time-range';
import type {
  Alarm,
  AlarmsPage,
  EventItem,
  EventsPage,
  LogsPage,
  SensorsPage,
  Statistics,
  StreamReading,
} from '../types';

/** Set once a server refuses a duration bucket: it knows minute, hour and day only. */
let legacyBuckets = false;
const bucketList = (): readonly BucketChoice[] => (legacyBuckets ? LEGACY_BUCKETS : DURATION_BUCKETS);

const timeZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

/** The sensor's metrics: from the sensors list (by id prefix), else from its readings in the frame. */
async function metricsOf(sensorId: string, frame: TimeFrame, signal: AbortSignal): Promise<string[]> {
  try {
    const page = await api<SensorsPage>(apiPath('sensors', { prefix: sensorId, limit: 1 }), { signal });
    const mine = page.sensors.find((s) => s.sensorId === sensorId);
    return mine ? Object.keys(mine.metrics ?? {}).sort() : [];
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 400)) throw err;
  }
  const found = new Set<string>();
  for (const query of [{ from: new Date(frame.from).toISOString() }, {}]) {
    const answer = await api<{ readings: { metric: string }[] }>(
      apiPath(`sensors/${enc(sensorId)}/readings`, { ...query, limit: 1000 }),
      { signal },
    );
    for (const r of answer.readings ?? []) found.add(r.metric);
    if (found.size) break;
  }
  return [...found].sort();
}

interface MetricChart {
  metric: string;
  card: HTMLElement;
  summary: HTMLElement;
  plotBox: HTMLElement;
  timeline?: Timeline;
  points: Point[];
  bucket: BucketChoice;
  /** whether the bucket was picked automatically, and why a chosen one was not used */
  auto: boolean;
  refused?: string;
  /** the load its points are from (events arriving for that load redraw it) */
  loadedWith?: AbortSignal;
}

export function renderSensor(ctx: PageContext): void {
  const sensorId = ctx.route.sensorId as string;
  const badge = liveBadge();
  const controls = h('div', { class: 'controls' });
  const charts = h('div', { class: 'charts', attrs: { 'aria-busy': 'true' } });
  const alarmsBox = h('section', { class: 'panel', attrs: { 'aria-labelledby': 'alarms-h' } });
  const logsBox = h('section', { class: 'panel', attrs: { 'aria-labelledby': 'logs-h' } });
  const eventsBox = h('section', { class: 'panel', attrs: { 'aria-labelledby': 'events-h' } });
  const byMetric = new Map<string, MetricChart>();
  let frame = resolveFrame(ctx.route.params, Date.now());
  let events: EventItem[] = [];
  let rules: RuleView[] | 'missing' = [];
  let controller = new AbortController();
  let metricsKnown: string[] = [];

  ctx.onLeave(() => {
    controller.abort();
    for (const c of byMetric.values()) c.timeline?.destroy();
  });

  // the panels start with their heading and a loading line, never as an empty box
  for (const [box, id, text] of [
    [alarmsBox, 'alarms-h', 'Alarms'],
    [eventsBox, 'events-h', 'Events in this range'],
    [logsBox, 'logs-h', 'Recent logs'],
  ] as const) {
    box.append(h('h2', { attrs: { id } }, text), notice('loading', 'Loading…'));
  }
  ctx.root.append(
    h('div', { class: 'view-head' }, ctx.title('Sensor ', h('span', { class: 'id' }, sensorId)), badge.el),
    controls,
    h('div', { class: 'sensor-layout' }, charts, h('aside', { class: 'side' }, alarmsBox, eventsBox, logsBox)),
  );

  function drawControls(): void {
    const chosen = ctx.route.params.range ?? (frame.preset ? frame.preset : 'custom');
    const presets = h(
      'div',
      { class: 'segmented', attrs: { role: 'group', 'aria-label': 'Time range' } },
      ...PRESETS.map(([name]) =>
        button(name, () => setFrame({ range: name, from: undefined, to: undefined }), {
          'aria-pressed': String(chosen === name),
          'data-range': name,
        }),
      ),
    );
    const from = input({ type: 'datetime-local', name: 'from', value: toLocalInput(frame.from) });
    const to = input({ type: 'datetime-local', name: 'to', value: toLocalInput(frame.to) });
    const custom = h(
      'form',
      {
        class: 'custom-range',
        on: {
          submit: (e) => {
            e.preventDefault();
            const a = fromLocalInput(from.value);
            const b = fromLocalInput(to.value);
            if (a === undefined || b === undefined || a >= b) {
              customError.textContent = 'Give a start before the end.';
              return;
            }
            setFrame(customParams(a, b));
          },
        },
      },
      field('From', from),
      field('To', to),
      h('button', { attrs: { type: 'submit', 'aria-pressed': String(chosen === 'custom') } }, 'Apply'),
    );
    const customError = h('span', { class: 'field-error', attrs: { role: 'alert' } });
    custom.append(customError);
    const frameMs = frame.to - frame.from;
    const auto = autoBucket(frameMs, bucketList());
    const granularity = select(
      'bucket',
      [
        ['auto', `automatic (${auto.name})`],
        ...bucketList().map(
          (b) => [b.name, `${b.name}${pointsFor(frameMs, b.ms) > 5000 ? ' (too many for this range)' : ''}`] as const,
        ),
      ],
      ctx.route.params.bucket ?? 'auto',
    );
    granularity.addEventListener('change', () => {
      ctx.update({ bucket: granularity.value === 'auto' ? undefined : granularity.value }, { push: true });
      void loadCharts();
    });
    const metricChoice =
      metricsKnown.length > 1
        ? select(
            'metric',
            [['', 'all metrics'], ...metricsKnown.map((m) => [m, m] as const)],
            ctx.route.params.metric ?? '',
          )
        : null;
    metricChoice?.addEventListener('change', () => {
      ctx.update({ metric: metricChoice.value || undefined }, { push: true });
      void loadAll();
    });
    replace(
      controls,
      presets,
      custom,
      field('Granularity', granularity),
      metricChoice ? field('Metric', metricChoice) : null,
    );
  }

  function setFrame(params: Record<string, string | undefined>): void {
    ctx.update(params, { push: true });
    frame = resolveFrame(ctx.route.params, Date.now());
    drawControls();
    // the alarms and logs beside do not depend on the frame: only the timelines and events are asked
    void loadCharts();
  }

  async function statistics(metric: string, bucket: BucketChoice, signal: AbortSignal): Promise<Statistics> {
    const query = {
      metric,
      from: new Date(frame.from).toISOString(),
      to: new Date(frame.to).toISOString(),
      bucket: bucket.name,
      tz: !legacyBuckets && needsTimeZone(bucket) ? timeZone() : undefined,
    };
    return api<Statistics>(apiPath(`sensors/${enc(sensorId)}/statistics`, query), { signal });
  }

  function eventMarks(metric: string): EventMark[] {
    return events
      .filter((e) => e.metric === metric && typeof e.value === 'number')
      .map((e) => ({ at: Date.parse(e.at), value: e.value, label: e.type }))
      .filter((e) => Number.isFinite(e.at));
  }

  /** The summary line, from the points drawn (so live readings count too): the buckets cover the frame. */
  function summarize(c: MetricChart): void {
    const count = c.points.reduce((n, p) => n + p.count, 0);
    const sum = c.points.reduce((n, p) => n + p.sum, 0);
    const min = Math.min(...c.points.map((p) => p.min));
    const max = Math.max(...c.points.map((p) => p.max));
    const granularity = `${c.bucket.name} buckets${c.auto ? ' (automatic)' : ''}`;
    replace(
      c.summary,
      count > 0
        ? `${count} readings · avg ${formatValue(sum / count)} · min ${formatValue(min)} · max ${formatValue(max)} · ${granularity}`
        : `No readings in this range (${granularity}).`,
      c.refused ? h('span', { class: 'field-error' }, ` ${c.refused}; automatic instead.`) : null,
      rules === 'missing' && thresholdsOf(c.metric).length
        ? h('span', { class: 'muted' }, ' · threshold from its events (no rules API on this server yet)')
        : null,
    );
  }

  /** The rules' threshold lines; on a server without the rules API, those its events name. */
  function thresholdsOf(metric: string): Threshold[] {
    if (rules === 'missing') {
      return thresholdsFromEvents(events, metric).map((t) => ({
        label: `threshold ${t.threshold} (rule ${t.rule})`,
        value: t.threshold,
      }));
    }
    return rulesFor(rules, sensorId, metric).map((r) => ({
      label: `${r.name ?? metric} ${r.comparison ?? '>='} ${r.threshold}${r.severity ? ` (${r.severity})` : ''}`,
      value: r.threshold as number,
    }));
  }

  function draw(c: MetricChart): void {
    summarize(c);
    const data = {
      columns: columnsOf(c.points, c.bucket.ms),
      thresholds: thresholdsOf(c.metric),
      events: eventMarks(c.metric),
      from: frame.from,
      to: frame.to,
    };
    if (c.timeline) c.timeline.update(data);
    else {
      replace(c.plotBox);
      c.timeline = createTimeline(c.plotBox, c.metric, data, (a, b) => setFrame(customParams(a, b)));
    }
    c.card.dataset.bucket = c.bucket.name;
  }

  async function loadChart(c: MetricChart, signal: AbortSignal): Promise<void> {
    let resolved = resolveBucket(ctx.route.params.bucket, frame.to - frame.from, bucketList());
    // several timelines ask at once: each one whose duration bucket was refused retries, not only
    // the first to learn that the server knows minute, hour and day only
    const askedLegacy = legacyBuckets;
    let stats: Statistics;
    try {
      stats = await statistics(c.metric, resolved.bucket, signal);
    } catch (err) {
      if (
        !askedLegacy &&
        err instanceof ApiError &&
        err.status === 400 &&
        (err.fieldMessage('bucket') || err.fieldMessage('tz'))
      ) {
        legacyBuckets = true;
        drawControls();
        resolved = resolveBucket(ctx.route.params.bucket, frame.to - frame.from, bucketList());
        stats = await statistics(c.metric, resolved.bucket, signal);
      } else throw err;
    }
    if (signal.aborted) return;
    c.bucket = resolved.bucket;
    c.points = pointsOf(stats.buckets ?? []);
    c.auto = resolved.auto;
    c.refused = resolved.refused;
    c.loadedWith = signal;
    draw(c);
  }

  function card(metric: string): MetricChart {
    const summary = h('p', { class: 'summary muted' }, 'Loading…');
    const plotBox = h('div', {
      class: 'plot',
      attrs: { 'data-metric': metric, role: 'img', 'aria-label': `Timeline of ${metric}` },
    });
    const el = h(
      'section',
      { class: 'card chart-card', attrs: { 'data-metric': metric } },
      h('h2', null, metric),
      summary,
      plotBox,
    );
    return {
      metric,
      card: el,
      summary,
      plotBox,
      points: [],
      bucket: autoBucket(frame.to - frame.from, bucketList()),
      auto: true,
    };
  }

  async function loadEvents(signal: AbortSignal): Promise<void> {
    // GET /api/v1/events (not the compat list): its events carry their rule and threshold
    const answer = await api<EventsPage>(
      apiPath('events', {
        sensorId,
        from: new Date(frame.from).toISOString(),
        to: new Date(frame.to).toISOString(),
        limit: 1000,
      }),
      { signal },
    );
    events = answer.events ?? [];
  }

  async function loadCharts(): Promise<void> {
    controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    charts.setAttribute('aria-busy', 'true');
    try {
      // events and timelines are asked for at once; a timeline drawn before its events arrive is
      // redrawn with them (a redraw of a few hundred points costs a millisecond or two)
      const eventsLoaded = loadEvents(signal).then(
        () => {
          if (signal.aborted) return;
          drawEvents();
          for (const c of byMetric.values()) if (c.loadedWith === signal) draw(c);
        },
        () => {
          if (signal.aborted) return;
          events = [];
          drawEvents();
        },
      );
      const shown = [...byMetric.values()];
      const results = await Promise.allSettled(shown.map((c) => loadChart(c, signal)));
      await eventsLoaded;
      results.forEach((r, i) => {
        if (r.status === 'rejected' && !signal.aborted) {
          replace(shown[i].summary, notice('error', `This timeline could not be loaded: ${describeError(r.reason)}`));
        }
      });
    } finally {
      if (!signal.aborted) charts.setAttribute('aria-busy', 'false');
    }
  }

  async function loadAll(): Promise<void> {
    const signal = controller.signal;
    replace(charts, notice('loading', 'Loading timelines…'));
    for (const c of byMetric.values()) c.timeline?.destroy();
    byMetric.clear();
    try {
      const [metrics, ruleSet] = await Promise.all([
        metricsOf(sensorId, frame, signal),
        api<{ rules: RuleView[] }>(apiPath('rules'), { signal }).then(
          (r) => r.rules ?? [],
          (err: unknown) => {
            if (isMissing(err)) return 'missing' as const;
            return [] as RuleView[];
          },
        ),
      ]);
      rules = ruleSet;
      metricsKnown = metrics;
      const wanted = ctx.route.params.metric;
      const shown = wanted ? [wanted] : metrics;
      drawControls();
      if (!shown.length) {
        replace(
          charts,
          notice('empty', `No readings from ${sensorId} yet. Readings posted for this sensor appear here.`),
        );
        await loadCharts(); // the events panel still shows what there is (events outlive readings)
        return;
      }
      replace(charts);
      for (const metric of shown) {
        const c = card(metric);
        byMetric.set(metric, c);
        charts.append(c.card);
      }
      await loadCharts();
    } catch (err) {
      if (signal.aborted) return;
      replace(charts, notice('error', `The timelines could not be loaded: ${describeError(err)}`));
      charts.setAttribute('aria-busy', 'false');
    }
  }

  function drawEvents(): void {
    const recent = [...events].reverse().slice(0, 20);
    replace(
      eventsBox,
      h('h2', { attrs: { id: 'events-h' } }, 'Events in this range'),
      recent.length
        ? h(
            'ul',
            { class: 'items' },
            ...recent.map((e) =>
              h(
                'li',
                null,
                timeEl(e.at),
                ' ',
                h('span', { class: 'type' }, e.type),
                ' ',
                h('span', { class: 'value' }, formatValue(e.value)),
              ),
            ),
          )
        : notice('empty', 'No events in this range.'),
      h('a', { attrs: { href: `#/events?sensorId=${enc(sensorId)}` } }, 'All events of this sensor'),
    );
  }

  let sideController = new AbortController();
  ctx.onLeave(() => sideController.abort());

  async function loadSide(): Promise<void> {
    sideController.abort();
    sideController = new AbortController();
    const { signal } = sideController;
    const [alarms, logs] = await Promise.allSettled([
      api<AlarmsPage>(apiPath(`sensors/${enc(sensorId)}/alarms`, { limit: 20 }), { signal }),
      api<LogsPage>(apiPath(`sensors/${enc(sensorId)}/logs`, { limit: 20 }), { signal }),
    ]);
    if (signal.aborted) return;
    replace(
      alarmsBox,
      h('h2', { attrs: { id: 'alarms-h' } }, 'Alarms'),
      alarms.status === 'fulfilled'
        ? alarms.value.alarms?.length
          ? h('ul', { class: 'items' }, ...alarms.value.alarms.map(alarmItem))
          : notice('empty', 'No alarms for this sensor.')
        : isMissing(alarms.reason)
          ? notice('unavailable', 'This server has no alarms API yet.')
          : notice('error', describeError(alarms.reason)),
      h('a', { attrs: { href: `#/alarms?sensorId=${enc(sensorId)}` } }, 'Alarms of this sensor'),
    );
    const lines = logs.status === 'fulfilled' ? (logs.value.logs ?? []) : [];
    replace(
      logsBox,
      h('h2', { attrs: { id: 'logs-h' } }, 'Recent logs'),
      logs.status === 'fulfilled'
        ? lines.length
          ? h(
              'ul',
              { class: 'items logs' },
              ...lines.map((l) =>
                h('li', null, timeEl(l.at), ' ', levelBadge(l.level), ' ', h('span', { class: 'message' }, l.message)),
              ),
            )
          : notice('empty', 'No log lines from this sensor.')
        : isMissing(logs.reason)
          ? notice('unavailable', 'This server has no logs API yet.')
          : notice('error', describeError(logs.reason)),
      h('a', { attrs: { href: `#/logs?sensorId=${enc(sensorId)}` } }, 'Logs of this sensor'),
    );
  }

  function alarmItem(a: Alarm): HTMLElement {
    return h(
      'li',
      null,
      severityBadge(a.severity),
      ' ',
      h('span', { class: 'type' }, a.type),
      ' ',
      h('span', { class: `status status-${a.status === 'active' ? 'active' : 'cleared'}` }, a.status),
      a.acknowledged ? ' · acknowledged' : '',
      ' · ',
      timeEl(a.raisedAt),
    );
  }

  function onReading(r: StreamReading): void {
    if (r?.sensorId !== sensorId || !frame.preset) return;
    const c = byMetric.get(r.metric);
    if (!c) {
      // a metric this view has not seen: show it on the next load
      if (!ctx.route.params.metric && !metricsKnown.includes(r.metric)) void loadAll();
      return;
    }
    const now = Date.now();
    const length = frame.to - frame.from;
    frame = { ...frame, from: now - length, to: now };
    addReading(c.points, Date.parse(r.at), r.value, c.bucket.ms);
    for (const other of byMetric.values()) {
      dropBefore(other.points, frame.from, other.bucket.ms);
      if (other.timeline) draw(other);
    }
  }

  followLive(ctx, badge, {
    sensorIds: [sensorId],
    poll: () => {
      if (!frame.preset) return;
      frame = resolveFrame(ctx.route.params, Date.now());
      void loadCharts();
      void loadSide();
    },
    onMessage: (message, data) => {
      if (message.event === 'reading') onReading(data as StreamReading);
      else if (message.event === 'event') {
        const e = data as EventItem & { sensorId?: string };
        if (e?.sensorId === sensorId && typeof e.metric === 'string') {
          events.push(e);
          drawEvents();
          const c = byMetric.get(e.metric);
          if (c?.timeline) draw(c);
        }
      } else if (message.event === 'alarm') void loadSide();
    },
  });

  drawControls();
  void loadAll();
  void loadSide();
}
