// Sensors: every sensor with its last reading time, latest value per metric and active alarms by
// severity; 50 a page (keyset cursors in the URL), search by id, updated live. The search asks the
// server for the sensors whose id starts with what was typed (`prefix`, case-sensitive), a page at a
// time, so it finds one sensor among thousands without reading them all.
import { api, apiPath, describeError, isMissing } from '../api';
import { button, field, h, input, notice, replace, row, table } from '../dom';
import { formatValue, timeEl } from '../format';
import { followLive, liveBadge } from '../live-view';
import type { PageContext } from '../page';
import { sensorHref } from '../route';
import { isSeverity, SEVERITIES, severityBadge } from '../severity';
import type { Alarm, AlarmsPage, SensorsPage, SensorSummary, StreamReading } from '../types';

export const PAGE_SIZE = 50;
/** The longest sensor id, so the longest prefix the server takes. */
const MAX_PREFIX_CHARS = 128;
/** How long typing must pause before the search goes to the server. */
const SEARCH_DEBOUNCE_MS = 250;

function findSensors(q: string, cursor: string | undefined, signal: AbortSignal): Promise<SensorsPage> {
  return api<SensorsPage>(apiPath('sensors', { prefix: q || undefined, limit: PAGE_SIZE, cursor }), { signal });
}

type AlarmCounts = Map<string, Map<string, number>>;

async function activeAlarms(signal: AbortSignal): Promise<AlarmCounts | 'missing'> {
  try {
    const page = await api<AlarmsPage>(apiPath('alarms', { status: 'active', limit: 1000 }), { signal });
    const counts: AlarmCounts = new Map();
    for (const a of page.alarms ?? []) countAlarm(counts, a, 1);
    return counts;
  } catch (err) {
    if (isMissing(err)) return 'missing';
    throw err;
  }
}

function countAlarm(counts: AlarmCounts, alarm: Pick<Alarm, 'sensorId' | 'severity'>, delta: number): void {
  const bySeverity = counts.get(alarm.sensorId) ?? new Map<string, number>();
  bySeverity.set(alarm.severity, Math.max(0, (bySeverity.get(alarm.severity) ?? 0) + delta));
  counts.set(alarm.sensorId, bySeverity);
}

export function renderSensors(ctx: PageContext): void {
  const badge = liveBadge();
  const search = input({
    type: 'search',
    name: 'q',
    value: ctx.route.params.q ?? '',
    placeholder: 'sensor id starts with…',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: MAX_PREFIX_CHARS,
  });
  const list = h('div', { class: 'sensor-list', attrs: { 'aria-live': 'polite', 'aria-busy': 'true' } });
  const pager = h('div', { class: 'pager' });
  const previous: (string | undefined)[] = [];
  let controller = new AbortController();
  let alarmCounts: AlarmCounts | 'missing' = new Map();
  const rows = new Map<string, { summary: SensorSummary; tr: HTMLTableRowElement }>();
  let stopLive: (() => void) | undefined;
  ctx.onLeave(() => {
    controller.abort();
    stopLive?.();
  });

  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      previous.length = 0;
      ctx.update({ q: search.value.trim(), cursor: undefined });
      void load();
    }, SEARCH_DEBOUNCE_MS);
  });

  ctx.root.append(
    h('div', { class: 'view-head' }, ctx.title('Sensors'), badge.el),
    h(
      'form',
      { class: 'filters', attrs: { role: 'search' }, on: { submit: (e) => e.preventDefault() } },
      field('Search by id', search),
    ),
    list,
    pager,
  );

  function alarmCell(sensorId: string): Node | string {
    if (alarmCounts === 'missing')
      return h('span', { class: 'muted', attrs: { title: 'this server has no alarms API yet' } }, 'n/a');
    const bySeverity = alarmCounts.get(sensorId);
    const present = [...SEVERITIES, ...[...(bySeverity?.keys() ?? [])].filter((s) => !isSeverity(s))].filter(
      (s) => (bySeverity?.get(s) ?? 0) > 0,
    );
    if (!present.length) return h('span', { class: 'muted' }, 'none');
    return h(
      'a',
      { class: 'alarm-counts', attrs: { href: `#/alarms?sensorId=${encodeURIComponent(sensorId)}&status=active` } },
      ...present.map((s) => severityBadge(s, bySeverity?.get(s))),
    );
  }

  function sensorRow(s: SensorSummary): HTMLTableRowElement {
    const metrics = Object.entries(s.metrics ?? {}).sort(([a], [b]) => a.localeCompare(b));
    return row(
      h('a', { class: 'sensor', attrs: { href: sensorHref(s.sensorId) } }, s.sensorId),
      timeEl(s.lastReadingAt),
      metrics.length
        ? h(
            'ul',
            { class: 'latest' },
            ...metrics.map(([metric, m]) =>
              h(
                'li',
                { attrs: { 'data-metric': metric } },
                h('span', { class: 'metric' }, metric),
                ' ',
                h('span', { class: 'value', attrs: { title: m?.lastAt ?? '' } }, formatValue(m?.lastValue)),
              ),
            ),
            (s.metricCount ?? 0) > metrics.length
              ? h('li', { class: 'muted' }, `+${(s.metricCount ?? 0) - metrics.length} more`)
              : null,
          )
        : '—',
      alarmCell(s.sensorId),
    );
  }

  function redrawRow(sensorId: string): void {
    const entry = rows.get(sensorId);
    if (!entry) return;
    const tr = sensorRow(entry.summary);
    tr.classList.add('updated');
    entry.tr.replaceWith(tr);
    entry.tr = tr;
  }

  async function load(): Promise<void> {
    controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    const q = ctx.route.params.q ?? '';
    const cursor = ctx.route.params.cursor;
    list.setAttribute('aria-busy', 'true');
    if (!rows.size) replace(list, notice('loading', 'Loading sensors…'));
    try {
      const [found, counts] = await Promise.all([
        findSensors(q, cursor, signal),
        activeAlarms(signal).catch(() => 'missing' as const),
      ]);
      alarmCounts = counts;
      rows.clear();
      const trs = found.sensors.map((s) => {
        const tr = sensorRow(s);
        rows.set(s.sensorId, { summary: s, tr });
        return tr;
      });
      replace(
        list,
        found.sensors.length
          ? table(['Sensor', 'Last reading', 'Latest values', 'Active alarms'], trs, 'Sensors')
          : notice(
              'empty',
              q
                ? `No sensor id starts with “${q}”.`
                : 'No sensor has reported yet. Readings posted to the receiver appear here.',
            ),
        alarmCounts === 'missing' ? h('p', { class: 'muted' }, 'Alarms: this server has no alarms API yet.') : null,
      );
      drawPager(found.nextCursor);
      follow(found.sensors.map((s) => s.sensorId));
    } catch (err) {
      if (signal.aborted) return;
      replace(list, notice('error', `Sensors could not be loaded: ${describeError(err)}`));
    } finally {
      if (!signal.aborted) list.setAttribute('aria-busy', 'false');
    }
  }

  function drawPager(nextCursor: string | null): void {
    const cursor = ctx.route.params.cursor;
    replace(
      pager,
      cursor || previous.length
        ? button('First page', () => {
            previous.length = 0;
            ctx.update({ cursor: undefined }, { push: true });
            void load();
          })
        : null,
      previous.length
        ? button('Previous page', () => {
            ctx.update({ cursor: previous.pop() }, { push: true });
            void load();
          })
        : null,
      nextCursor
        ? button('Next page', () => {
            previous.push(cursor);
            ctx.update({ cursor: nextCursor }, { push: true });
            void load();
          })
        : null,
    );
  }

  function follow(sensorIds: string[]): void {
    stopLive?.();
    const leaving: (() => void)[] = [];
    stopLive = () => leaving.forEach((f) => f());
    const scope = { ...ctx, onLeave: (f: () => void) => leaving.push(f) };
    followLive(scope, badge, {
      sensorIds: sensorIds.slice(0, PAGE_SIZE),
      poll: () => void load(),
      onMessage: (message, data) => {
        if (message.event === 'reading') {
          const r = data as StreamReading;
          const entry = rows.get(r?.sensorId);
          if (!entry || typeof r.metric !== 'string') return;
          const metrics = { ...entry.summary.metrics };
          Object.defineProperty(metrics, r.metric, {
            value: { lastValue: r.value, lastAt: r.at, count: (metrics[r.metric]?.count ?? 0) + 1 },
            enumerable: true,
          });
          entry.summary = {
            ...entry.summary,
            metrics,
            lastReadingAt: r.at > entry.summary.lastReadingAt ? r.at : entry.summary.lastReadingAt,
          };
          redrawRow(r.sensorId);
        } else if (message.event === 'alarm' && alarmCounts !== 'missing') {
          const a = data as Alarm;
          if (!rows.has(a?.sensorId)) return;
          // recount from the server: a transition alone does not say whether it was already counted
          void activeAlarms(controller.signal).then((counts) => {
            alarmCounts = counts;
            redrawRow(a.sensorId);
          });
        }
      },
    });
  }

  void load();
}
