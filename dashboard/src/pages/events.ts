// Events (the compat events across sensors): filtered by sensor, type and range, oldest first as the
// API gives them, paged.
import { api, apiPath, describeError, isMissing } from '../api';
import { h, notice, replace, row, table } from '../dom';
import { formatValue, timeEl } from '../format';
import type { PageContext } from '../page';
import { sensorHref } from '../route';
import type { EventsPage } from '../types';
import { drawPager, filterForm, latestRequest, rangeQuery, rangeSelect, textFilter } from './list-view';

const PAGE_SIZE = 100;
const DEFAULT_RANGE = '24h';

export function renderEvents(ctx: PageContext): void {
  const p = ctx.route.params;
  const sensor = textFilter('sensorId', p.sensorId);
  const type = textFilter('type', p.type, 'TEMPERATURE_EXCEEDED');
  const range = rangeSelect(p.range, DEFAULT_RANGE);
  const list = h('div', { attrs: { 'aria-live': 'polite' } });
  const pager = h('div', { class: 'pager' });
  const nextRequest = latestRequest(ctx);

  const apply = () => {
    ctx.update(
      {
        sensorId: sensor.value.trim(),
        type: type.value.trim(),
        range: range.value === DEFAULT_RANGE ? undefined : range.value,
        cursor: undefined,
      },
      { push: true },
    );
    void load();
  };
  ctx.root.append(
    ctx.title('Events'),
    filterForm(
      [
        ['Sensor', sensor],
        ['Type', type],
        ['Range', range],
      ],
      apply,
    ),
    h(
      'p',
      { class: 'muted' },
      'Oldest first. An event is raised when a sensor sends N warnings of one metric in a row.',
    ),
    list,
    pager,
  );

  async function load(): Promise<void> {
    const signal = nextRequest();
    const params = ctx.route.params;
    try {
      const page = await api<EventsPage>(
        apiPath('events', {
          sensorId: params.sensorId,
          type: params.type,
          ...rangeQuery(params, DEFAULT_RANGE),
          limit: PAGE_SIZE,
          cursor: params.cursor,
        }),
        { signal },
      );
      const events = page.events ?? [];
      replace(
        list,
        events.length
          ? table(
              ['At', 'Sensor', 'Metric', 'Type', 'Value', 'Threshold', 'Rule'],
              events.map((e) =>
                row(
                  timeEl(e.at),
                  e.sensorId ? h('a', { class: 'sensor', attrs: { href: sensorHref(e.sensorId) } }, e.sensorId) : '—',
                  e.metric,
                  e.type,
                  formatValue(e.value),
                  formatValue(e.threshold),
                  e.rule ?? '—',
                ),
              ),
              'Events',
            )
          : notice('empty', 'No events match these filters.'),
      );
      drawPager(ctx, pager, page.nextCursor, () => void load());
    } catch (err) {
      if (signal.aborted) return;
      replace(
        list,
        isMissing(err)
          ? notice('unavailable', 'This server has no events API.')
          : notice('error', `Events could not be loaded: ${describeError(err)}`),
      );
    }
  }
  void load();
}
