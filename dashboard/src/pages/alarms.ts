// Alarms: active and cleared, filtered by status, severity, sensor, rule and acknowledgement, newest
// first and paged; operators acknowledge and clear with a comment; transitions arrive live.
import { api, apiPath, describeError, enc, isMissing } from '../api';
import { button, h, input, notice, replace, row, select, table } from '../dom';
import { formatValue, timeEl } from '../format';
import { followLive, liveBadge } from '../live-view';
import type { PageContext } from '../page';
import { sensorHref } from '../route';
import { can } from '../session';
import { SEVERITIES, severityBadge } from '../severity';
import type { Alarm, AlarmsPage } from '../types';
import { drawPager, filterForm, latestRequest, textFilter } from './list-view';

const PAGE_SIZE = 50;

const count = (n: unknown, word: string): string =>
  typeof n === 'number' ? `${n} ${word}${n === 1 ? '' : 's'}` : `— ${word}s`;
const FILTERS = ['status', 'severity', 'sensorId', 'rule', 'acknowledged'] as const;

export function matchesFilters(a: Alarm, params: Record<string, string>): boolean {
  if (params.status && params.status !== 'all' && a.status !== params.status) return false;
  if (params.severity && a.severity !== params.severity) return false;
  if (params.sensorId && a.sensorId !== params.sensorId) return false;
  if (params.rule && a.rule !== params.rule) return false;
  if (params.acknowledged && String(a.acknowledged) !== params.acknowledged) return false;
  return true;
}

export function renderAlarms(ctx: PageContext): void {
  const badge = liveBadge();
  const list = h('div', { attrs: { 'aria-live': 'polite' } });
  const pager = h('div', { class: 'pager' });
  const rows = new Map<string, HTMLTableRowElement>();
  /** alarms whose clear was accepted (202) but not applied yet */
  const clearing = new Set<string>();
  let tbody: HTMLElement | undefined;
  const nextRequest = latestRequest(ctx);
  const params = (): Record<string, string> => ({ status: 'active', ...ctx.route.params });
  const operator = can('operator');

  const status = select(
    'status',
    [
      ['active', 'active'],
      ['cleared', 'cleared'],
      ['all', 'all'],
    ],
    params().status,
  );
  const severity = select(
    'severity',
    [['', 'any'], ...SEVERITIES.map((s) => [s, s] as const)],
    params().severity ?? '',
  );
  const acknowledged = select(
    'acknowledged',
    [
      ['', 'either'],
      ['false', 'not acknowledged'],
      ['true', 'acknowledged'],
    ],
    params().acknowledged ?? '',
  );
  const sensor = textFilter('sensorId', params().sensorId);
  const rule = textFilter('rule', params().rule);
  const form = filterForm(
    [
      ['Status', status],
      ['Severity', severity],
      ['Acknowledged', acknowledged],
      ['Sensor', sensor],
      ['Rule', rule],
    ],
    apply,
  );

  function apply(): void {
    ctx.update(
      {
        status: status.value === 'active' ? undefined : status.value,
        severity: severity.value,
        acknowledged: acknowledged.value,
        sensorId: sensor.value.trim(),
        rule: rule.value.trim(),
        cursor: undefined,
      },
      { push: true },
    );
    void load();
  }

  ctx.root.append(
    h('div', { class: 'view-head' }, ctx.title('Alarms'), badge.el),
    form,
    operator ? '' : h('p', { class: 'muted' }, 'Acknowledging and clearing need an operator token.'),
    list,
    pager,
  );

  function actions(a: Alarm): HTMLElement | string {
    if (!operator) return '';
    const comment = input({
      type: 'text',
      name: 'comment',
      placeholder: 'comment (optional)',
      'aria-label': `Comment on the alarm of ${a.sensorId}`,
    });
    const error = h('span', { class: 'field-error', attrs: { role: 'alert' } });
    const act = (what: 'ack' | 'clear') => async () => {
      error.textContent = '';
      try {
        const updated = await api<Alarm>(apiPath(`alarms/${enc(a.id)}/${what}`), {
          method: 'POST',
          body: comment.value.trim() ? { comment: comment.value.trim() } : {},
        });
        // a clear goes through Kafka in order with the sensor's readings (202): until the processor
        // reaches it the alarm is still active, and the row says the clear is on its way
        if (what === 'clear' && updated.status === 'active') clearing.add(updated.id);
        upsert(updated);
      } catch (err) {
        error.textContent = describeError(err);
      }
    };
    return h(
      'div',
      { class: 'actions' },
      comment,
      a.acknowledged ? null : button('Acknowledge', () => void act('ack')(), { 'data-action': 'ack' }),
      a.status === 'active' && !clearing.has(a.id)
        ? button('Clear', () => void act('clear')(), { 'data-action': 'clear' })
        : null,
      a.status === 'active' && clearing.has(a.id) ? h('span', { class: 'muted' }, 'clear requested…') : null,
      error,
    );
  }

  function alarmRow(a: Alarm): HTMLTableRowElement {
    if (a.status !== 'active') clearing.delete(a.id);
    const tr = row(
      h(
        'span',
        { class: 'stacked' },
        severityBadge(a.severity),
        h(
          'span',
          { class: `status status-${a.status === 'active' ? 'active' : 'cleared'}` },
          a.status === 'active' ? '◉ active' : '○ cleared',
        ),
      ),
      h('a', { class: 'sensor', attrs: { href: sensorHref(a.sensorId) } }, a.sensorId),
      h('span', { class: 'stacked' }, h('span', { class: 'rule' }, a.rule), h('span', { class: 'type muted' }, a.type)),
      timeEl(a.raisedAt),
      h(
        'span',
        { class: 'stacked' },
        `${formatValue(a.value)} / ${formatValue(a.peak)}`,
        h('span', { class: 'muted' }, `${count(a.events, 'event')} · ${count(a.warnings, 'warning')}`),
      ),
      a.acknowledged
        ? h('span', { class: 'stacked' }, `✓ ${a.acknowledgedBy ?? ''}`, timeEl(a.acknowledgedAt))
        : h('span', { class: 'muted' }, 'no'),
      a.comment ? h('span', { class: 'comment' }, a.comment) : '',
      actions(a),
    );
    tr.dataset.alarmId = a.id;
    return tr;
  }

  function upsert(a: Alarm): void {
    const existing = rows.get(a.id);
    const fits = matchesFilters(a, params());
    if (existing && !fits) {
      existing.remove();
      rows.delete(a.id);
      return;
    }
    if (!fits) return;
    const tr = alarmRow(a);
    tr.classList.add('updated');
    if (existing) existing.replaceWith(tr);
    else if (tbody && !ctx.route.params.cursor) tbody.prepend(tr);
    else return void load();
    rows.set(a.id, tr);
  }

  async function load(): Promise<void> {
    const signal = nextRequest();
    const p = params();
    try {
      const query: Record<string, string | number | undefined> = { limit: PAGE_SIZE, cursor: p.cursor };
      for (const f of FILTERS) query[f] = p[f];
      if (query.status === 'all') query.status = undefined;
      const page = await api<AlarmsPage>(apiPath('alarms', query), { signal });
      rows.clear();
      const trs = (page.alarms ?? []).map((a) => {
        const tr = alarmRow(a);
        rows.set(a.id, tr);
        return tr;
      });
      const headers = ['Severity', 'Sensor', 'Rule / type', 'Raised', 'Value / peak', 'Acknowledged', 'Comment'];
      const t = table(operator ? [...headers, 'Actions'] : headers, trs, 'Alarms');
      tbody = t.querySelector('tbody') ?? undefined;
      replace(list, trs.length ? t : notice('empty', 'No alarms match these filters.'));
      drawPager(ctx, pager, page.nextCursor, () => void load());
    } catch (err) {
      if (signal.aborted) return;
      tbody = undefined;
      replace(
        list,
        isMissing(err)
          ? notice('unavailable', 'This server has no alarms API yet (GET /api/v1/alarms answered 404).')
          : notice('error', `Alarms could not be loaded: ${describeError(err)}`),
      );
    }
  }

  followLive(ctx, badge, {
    poll: () => void load(),
    onMessage: (message, data) => {
      if (message.event === 'alarm' && typeof (data as Alarm)?.id === 'string') upsert(data as Alarm);
    },
  });
  void load();
}
