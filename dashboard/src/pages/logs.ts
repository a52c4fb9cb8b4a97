// Logs shipped by hosts and sensors: newest first, filtered by level (that level and above), source,
// words of the message, sensor and range; paged. Messages are shown as text, line breaks kept.
import { api, apiPath, describeError, enc, isMissing } from '../api';
import { h, input, notice, replace, row, select, table } from '../dom';
import { timeEl } from '../format';
import type { PageContext } from '../page';
import { sensorHref } from '../route';
import { LOG_LEVELS, levelBadge } from '../severity';
import type { LogLine } from '../types';
import { drawPager, filterForm, latestRequest, rangeQuery, rangeSelect, textFilter } from './list-view';

const PAGE_SIZE = 100;
const DEFAULT_RANGE = '24h';

/** The list of a logs answer (`logs`, or the first array it holds). */
export function linesOf(body: unknown): LogLine[] {
  if (typeof body !== 'object' || body === null) return [];
  const named = (body as { logs?: unknown }).logs;
  if (Array.isArray(named)) return named as LogLine[];
  const first = Object.values(body).find(Array.isArray);
  return (first as LogLine[] | undefined) ?? [];
}

export function renderLogs(ctx: PageContext): void {
  const p = ctx.route.params;
  const level = select('level', [['', 'any'], ...LOG_LEVELS.map((l) => [l, `${l} and above`] as const)], p.level ?? '');
  const source = textFilter('source', p.source);
  const words = input({ type: 'search', name: 'q', value: p.q ?? '', autocomplete: 'off' });
  const sensor = textFilter('sensorId', p.sensorId);
  const range = rangeSelect(p.range, DEFAULT_RANGE);
  const list = h('div', { attrs: { 'aria-live': 'polite' } });
  const pager = h('div', { class: 'pager' });
  const nextRequest = latestRequest(ctx);

  const apply = () => {
    ctx.update(
      {
        level: level.value,
        source: source.value.trim(),
        q: words.value.trim(),
        sensorId: sensor.value.trim(),
        range: range.value === DEFAULT_RANGE ? undefined : range.value,
        cursor: undefined,
      },
      { push: true },
    );
    void load();
  };
  ctx.root.append(
    ctx.title('Logs'),
    filterForm(
      [
        ['Level', level],
        ['Source', source],
        ['Words', words],
        ['Sensor', sensor],
        ['Range', range],
      ],
      apply,
    ),
    list,
    pager,
  );

  async function load(): Promise<void> {
    const signal = nextRequest();
    const params = ctx.route.params;
    const path = params.sensorId ? `sensors/${enc(params.sensorId)}/logs` : 'logs';
    try {
      const body = await api<{ nextCursor?: string | null }>(
        apiPath(path, {
          level: params.level,
          source: params.source,
          q: params.q,
          ...rangeQuery(params, DEFAULT_RANGE),
          limit: PAGE_SIZE,
          cursor: params.cursor,
        }),
        { signal },
      );
      const lines = linesOf(body);
      replace(
        list,
        lines.length
          ? table(
              ['At', 'Level', 'Sensor', 'Source', 'Message'],
              lines.map((l) => {
                const sensorId = l.sensorId ?? params.sensorId;
                return row(
                  timeEl(l.at),
                  levelBadge(String(l.level)),
                  sensorId ? h('a', { class: 'sensor', attrs: { href: sensorHref(sensorId) } }, sensorId) : '—',
                  l.source ?? '—',
                  h('span', { class: 'message' }, String(l.message ?? '')),
                );
              }),
              'Log lines',
            )
          : notice('empty', 'No log lines match these filters.'),
      );
      drawPager(ctx, pager, body?.nextCursor, () => void load());
    } catch (err) {
      if (signal.aborted) return;
      replace(
        list,
        isMissing(err)
          ? notice('unavailable', 'This server has no logs API yet (GET /api/v1/logs answered 404).')
          : notice('error', `Logs could not be loaded: ${describeError(err)}`),
      );
    }
  }
  void load();
}
