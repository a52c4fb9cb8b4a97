// The dashboard in a real Chromium against the real pipeline (receiver, processor, saver, assessor as
// processes from dist/, on Kafka, PostgreSQL and Redis): what a user sees and does. Every test leaves
// a screenshot in .run/screenshots/. Features that other work adds to the server (the live stream,
// alarms, logs, GET /api/v1/me) are tested when the built assessor has them, and skipped (listed as
// skipped) until then.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../helpers';
import { DESKTOP, launchBrowser, openPage, PHONE, type PageWatch, screenshot } from './browser';
import { assessorHas, dashboardBuilt, type Stack, startStack } from './stack';

const run = randomUUID().slice(0, 8);
const sensorA = `e2e-${run}-a`;
const sensorB = `e2e-${run}-b`;
/** the sensor whose stored events carry the payloads */
const sensorX = `e2e-${run}-x`;
const MINUTE = 60_000;
const HISTORY_MINUTES = 360;

const has = {
  stream: assessorHas('/api/v1/stream'),
  alarms: assessorHas('/api/v1/alarms'),
  me: assessorHas('/api/v1/me'),
  logs: assessorHas('/logs'),
  rules: assessorHas('/api/v1/rules'),
};
const itWhen = (ready: boolean) => (ready ? it : it.skip);

/** Payloads that would run script if any text were ever parsed as HTML. */
const XSS = [
  `<img src=x onerror="window.__xss='img';alert('img')">`,
  `<script>window.__xss='script'</script>`,
  `"><svg onload="window.__xss='svg';alert('svg')">`,
];

describe('the dashboard in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  const open: Array<{ close(): Promise<void> }> = [];
  /** the minute every history reading is aligned to: readings at base - k minutes */
  let base = 0;

  const url = (hash: string, query = '') => `${stack.assessor}/${query}${hash}`;

  async function page(options: Parameters<typeof openPage>[1] = {}): Promise<{ page: Page; watch: PageWatch }> {
    const opened = await openPage(browser, options);
    open.push(opened.context);
    return opened;
  }

  /** what must hold on every page a test opened: no script ran from data, nothing broke the CSP */
  async function expectClean(p: Page, watch: PageWatch): Promise<void> {
    expect(watch.dialogs).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(await p.evaluate('window.__xss')).toBeUndefined();
    expect(watch.requests.filter((r) => /[?&]token=/i.test(r))).toEqual([]);
  }

  const points = async (p: Page, metric: string) =>
    Number(await p.locator(`.plot[data-metric="${metric}"]`).getAttribute('data-points'));

  const lastStatistics = (watch: PageWatch, metric: string) => {
    const found = watch.requests.filter((r) => r.includes('/statistics?') && r.includes(`metric=${metric}`));
    return found.length ? new URL(found[found.length - 1], 'http://x') : undefined;
  };

  async function statisticsCount(sensorId: string, metric: string, from: number, to: number): Promise<number> {
    const q = new URLSearchParams({ metric, from: String(from), to: String(to), bucket: 'day' });
    const res = await fetch(`${stack.assessor}/api/v1/sensors/${sensorId}/statistics?${q}`);
    const body = (await res.json()) as { total?: { count: number } };
    return body.total?.count ?? 0;
  }

  beforeAll(async () => {
    if (!dashboardBuilt()) throw new Error('dist/dashboard is missing: run `make build` (make test does)');
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    base = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * MINUTE;
    // six hours of history, one reading a minute of two metrics; three warnings in a row in the
    // middle raise one TEMPERATURE_EXCEEDED event (the default rule: temperature >= 95, N = 3)
    const readings = [];
    for (let k = HISTORY_MINUTES - 1; k >= 0; k--) {
      const warning = k >= 100 && k < 103;
      readings.push({
        sensorId: sensorA,
        at: base - k * MINUTE,
        // a slow wave with a little jitter, so coarser buckets show a min/max band
        temperature: warning ? 96 + (k - 100) : 20 + 5 * Math.sin(k / 20) + ((k * 7) % 10) / 10,
        humidity: 45 + 4 * Math.cos(k / 45) + ((k * 3) % 7) / 10,
      });
    }
    await stack.post(readings);
    await waitFor(
      async () =>
        (await statisticsCount(sensorA, 'temperature', base - 7 * 60 * MINUTE, base + MINUTE)) === HISTORY_MINUTES,
      { what: 'the history stored', timeoutMs: 30_000 },
    );
    await waitFor(
      async () => {
        const res = await fetch(`${stack.assessor}/api/v1/sensors/${sensorA}/events`);
        return ((await res.json()) as { events: unknown[] }).events.length === 1;
      },
      { what: 'the event stored', timeoutMs: 30_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    if (stack) {
      await stack.pool.query(`DELETE FROM sensor_metrics WHERE sensor_id LIKE $1`, [`xss-${run}%`]);
      await stack.pool.query(`DELETE FROM sensor_metrics WHERE sensor_id LIKE $1`, [`many-${run}%`]);
      await stack.pool.query(`DELETE FROM events WHERE id LIKE $1`, [`xss-${run}%`]);
      await stack.stop();
    }
  }, 90_000);

  it('when a sensor has readings, then the sensors page lists it with its latest values (desktop and phone)', async () => {
    for (const [name, viewport] of [
      ['sensors-desktop', DESKTOP],
      ['sensors-phone', PHONE],
    ] as const) {
      const { page: p, watch } = await page({ viewport });
      await p.goto(url(`#/sensors?q=${encodeURIComponent(`e2e-${run}`)}`));
      const link = p.getByRole('link', { name: sensorA });
      await link.waitFor();
      const row = p.locator('tr', { has: link });
      expect(await row.locator('[data-metric="temperature"] .value').textContent()).toBe(
        (20 + 5 * Math.sin(0)).toString(),
      );
      expect(await row.locator('[data-metric="humidity"] .value').textContent()).toBe('49');
      await screenshot(p, name);
      await expectClean(p, watch);
    }
  });

  it('when the range and granularity change, then so do the statistics request and the points drawn', async () => {
    const { page: p, watch } = await page();
    await p.goto(url(`#/sensor/${sensorA}?range=6h`));
    await p.locator('.plot[data-metric="temperature"][data-points]').waitFor();
    await waitFor(async () => (await points(p, 'temperature')) > 300, { what: '6 h of minute points' });
    const six = lastStatistics(watch, 'temperature') as URL;
    expect(Date.parse(six.searchParams.get('to') as string) - Date.parse(six.searchParams.get('from') as string)).toBe(
      6 * 60 * MINUTE,
    );
    expect(['1m', 'minute']).toContain(six.searchParams.get('bucket'));
    // the chart draws what the API answers for that request, bucket for bucket
    const answer = (await (await fetch(`${stack.assessor}${six.pathname}${six.search}`)).json()) as {
      buckets: unknown[];
    };
    expect(await points(p, 'temperature')).toBe(answer.buckets.length);
    await screenshot(p, 'sensor-6h');

    // 1 hour, chosen with the keyboard
    await p.focus('button[data-range="1h"]');
    await p.keyboard.press('Enter');
    await waitFor(async () => (await points(p, 'temperature')) <= 61, { what: 'the 1 h frame drawn' });
    const hour = lastStatistics(watch, 'temperature') as URL;
    expect(
      Date.parse(hour.searchParams.get('to') as string) - Date.parse(hour.searchParams.get('from') as string),
    ).toBe(60 * MINUTE);
    expect(await points(p, 'temperature')).toBeGreaterThanOrEqual(55);
    expect(p.url()).toContain('range=1h');

    // a coarser granularity: fewer points, and the request says so
    const legacy = (hour.searchParams.get('bucket') as string) === 'minute';
    await p.selectOption('select[name="bucket"]', legacy ? 'hour' : '15m');
    await waitFor(async () => (await points(p, 'temperature')) <= (legacy ? 2 : 5), { what: 'coarser buckets drawn' });
    expect(lastStatistics(watch, 'temperature')?.searchParams.get('bucket')).toBe(legacy ? 'hour' : '15m');
    expect(p.url()).toContain(`bucket=${legacy ? 'hour' : '15m'}`);
    await screenshot(p, 'sensor-1h-coarse');

    // 24 hours, automatic again: hourly buckets (at most 1,000 points), each with its min/max band
    await p.selectOption('select[name="bucket"]', 'auto');
    await p.click('button[data-range="24h"]');
    const day = await waitFor(() => {
      const last = lastStatistics(watch, 'temperature');
      return last?.searchParams.get('bucket') === (legacy ? 'hour' : '5m') ? last : undefined;
    });
    const plot = p.locator('.plot[data-metric="temperature"]');
    await waitFor(async () => (await plot.getAttribute('data-from')) === day.searchParams.get('from'), {
      what: 'the 24 h frame drawn',
    });
    const dayAnswer = (await (await fetch(`${stack.assessor}${day.pathname}${day.search}`)).json()) as {
      buckets: unknown[];
    };
    expect(await points(p, 'temperature')).toBe(dayAnswer.buckets.length);
    expect(p.url()).not.toContain('bucket=');
    await screenshot(p, 'sensor-24h', false);
    await expectClean(p, watch);
  });

  it('when the user drags across a chart, then it zooms to that span (a custom range in the URL)', async () => {
    const { page: p, watch } = await page();
    await p.goto(url(`#/sensor/${sensorA}?range=6h&metric=temperature`));
    await p.locator('.plot[data-metric="temperature"][data-points]').waitFor();
    const over = p.locator('.plot[data-metric="temperature"] .u-over');
    const box = (await over.boundingBox()) as { x: number; y: number; width: number; height: number };
    const before = lastStatistics(watch, 'temperature') as URL;
    await p.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await p.mouse.down();
    await p.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 8 });
    await p.mouse.up();
    await waitFor(() => p.url().includes('range=custom'), { what: 'the zoomed range in the URL' });
    const zoomed = await waitFor(() => {
      const last = lastStatistics(watch, 'temperature');
      return last && last.search !== before.search ? last : undefined;
    });
    const span =
      Date.parse(zoomed.searchParams.get('to') as string) - Date.parse(zoomed.searchParams.get('from') as string);
    expect(span).toBeGreaterThan(60 * MINUTE);
    expect(span).toBeLessThan(120 * MINUTE);
    await waitFor(async () => (await points(p, 'temperature')) < 130, { what: 'the zoomed span drawn' });
    // the deep link reproduces the view
    const again = await page();
    await again.page.goto(p.url());
    await again.page.locator('.plot[data-metric="temperature"][data-points]').waitFor();
    expect(lastStatistics(again.watch, 'temperature')?.search).toBe(zoomed.search);
    await screenshot(p, 'sensor-zoomed');
    await expectClean(p, watch);
  });

  it(`when a reading is posted over HTTP, then it appears on the open chart without a reload (${has.stream ? 'live stream' : 'polling: the server has no stream yet'})`, async () => {
    const { page: p, watch } = await page();
    await p.goto(url(`#/sensor/${sensorA}?range=1h&metric=humidity`));
    const summary = p.locator('section[data-metric="humidity"] .summary');
    await waitFor(async () => /readings/.test((await summary.textContent()) ?? ''), { what: 'the 1 h summary' });
    // history humidity is 41-49.6: a maximum of 99.5 can only be the new reading (the frame slides
    // while the test waits, so counts may lose a reading at the old end; the maximum cannot)
    expect(await summary.textContent()).not.toContain('max 99.5');
    await p.locator(`.live[data-state="${has.stream ? 'live' : 'polling'}"]`).waitFor();
    const posted = Date.now();
    await stack.post([{ sensorId: sensorA, humidity: 99.5, at: new Date(posted).toISOString() }]);
    await waitFor(async () => (await summary.textContent())?.includes('max 99.5'), {
      what: 'the new reading on the chart',
      timeoutMs: has.stream ? 5_000 : 25_000,
      intervalMs: 50,
    });
    const seenAfterMs = Date.now() - posted;
    process.stdout.write(
      `dashboard: a posted reading was on the chart after ${seenAfterMs} ms (${has.stream ? 'stream' : 'polling'})\n`,
    );
    await screenshot(p, 'sensor-live');
    await expectClean(p, watch);
  });

  it('the sensor page at phone width in dark mode: charts fit the screen, the side panels follow', async () => {
    const { page: p, watch } = await page({ viewport: PHONE, colorScheme: 'dark' });
    await p.goto(url(`#/sensor/${sensorA}?range=6h`));
    // both timelines at once, well before the 10 s refresh could make up for one that failed
    await p.locator('.plot[data-metric="humidity"][data-points]').waitFor({ timeout: 8_000 });
    await p.locator('.plot[data-metric="temperature"][data-points]').waitFor({ timeout: 8_000 });
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await screenshot(p, 'sensor-phone-dark');
    await expectClean(p, watch);
  });

  it('when the user searches by id among thousands of sensors, then the server finds them by prefix and only matches are listed, paged', async () => {
    // 3,000 sensors, as the saver keeps them (one row per sensor and metric), straight into PostgreSQL;
    // `_` in the ids and in the search is a plain character
    const many = `many-${run}`;
    const ids = Array.from({ length: 3000 }, (_, i) => `${many}-${String(i).padStart(4, '0')}${i % 2 ? '' : '_e'}`);
    await stack.pool.query(
      `INSERT INTO sensor_metrics (sensor_id, metric, first_at, last_at, last_value, count)
       SELECT id, 'temperature', $2, $2, 21, 1 FROM unnest($1::text[]) AS id`,
      [ids, new Date(base)],
    );
    const listed = (p: Page) => p.locator('.sensor-list a.sensor').allTextContents();
    const { page: p, watch } = await page();
    await p.goto(url('#/sensors'));
    await p.locator('.sensor-list[aria-busy="false"]').waitFor();
    const search = p.getByRole('searchbox', { name: 'Search by id' });

    // 0100-0199: 100 matches, two pages of 50
    const hundred = ids.filter((id) => id.startsWith(`${many}-01`));
    await search.fill(`${many}-01`);
    const first = await waitFor(
      async () => {
        const shown = await listed(p);
        return shown.length === 50 && shown[0] === hundred[0] && shown;
      },
      { what: 'the first page of matches' },
    );
    expect(first).toEqual(hundred.slice(0, 50));
    await screenshot(p, 'sensors-search');
    await p.getByRole('button', { name: 'Next page' }).click();
    const second = await waitFor(
      async () => {
        const shown = await listed(p);
        return shown[0] === hundred[50] && shown;
      },
      { what: 'the second page of matches' },
    );
    expect(second).toEqual(hundred.slice(50));
    expect(await p.getByRole('button', { name: 'Next page' }).count()).toBe(0);

    // a narrower search starts again from its first page; `_` matches only itself
    await search.fill(`${many}-017`);
    await waitFor(async () => (await listed(p)).length === 10, { what: 'the ten sensors of 0170-0179' });
    expect(await listed(p)).toEqual(ids.filter((id) => id.startsWith(`${many}-017`)));
    await search.fill(`${many}-0170_`);
    await waitFor(async () => (await listed(p)).length === 1, { what: 'the one sensor of 0170_' });
    expect(await listed(p)).toEqual([`${many}-0170_e`]);
    await search.fill(`${many}-0171_`);
    await p
      .locator('.notice-empty')
      .filter({ hasText: `No sensor id starts with “${many}-0171_”.` })
      .waitFor();
    expect(await listed(p)).toEqual([]);

    // every search went to the server as prefix, a page of 50 at a time: the list was never read whole
    const searches = watch.requests.filter((r) => r.startsWith('/api/v1/sensors?') && r.includes('prefix='));
    expect(searches.length).toBeGreaterThanOrEqual(5);
    expect(
      watch.requests.filter((r) => r.startsWith('/api/v1/sensors?') && /limit=(\d+)/.exec(r)?.[1] !== '50'),
    ).toEqual([]);
    await expectClean(p, watch);
  });

  it('when stored data, a deep link and a search carry HTML and script, then they are shown as text and nothing runs', async () => {
    // rows as a hostile or broken writer could leave them: straight into PostgreSQL, past the API's checks
    const at = new Date(base);
    for (const [i, payload] of XSS.entries()) {
      await stack.pool.query(
        `INSERT INTO sensor_metrics (sensor_id, metric, first_at, last_at, last_value, count) VALUES ($1, $2, $3, $3, 1, 1)`,
        [`xss-${run}-${i}${payload}`, `m${i}${payload}`, at],
      );
      await stack.pool.query(
        `INSERT INTO events (id, sensor_id, metric, type, value, at, threshold, rule, warnings_for_event, reading_id)
         VALUES ($1, $2, $3, $4, 1, $5, 95, $6, 3, $1)`,
        [`xss-${run}-${i}`, sensorX, `temperature${payload}`, `T${payload}`, at, `r${payload}`],
      );
    }
    const { page: p, watch } = await page();
    await p.goto(url(`#/sensors?q=${encodeURIComponent(`xss-${run}`)}`));
    for (const [i, payload] of XSS.entries()) await p.getByText(`xss-${run}-${i}${payload}`, { exact: true }).waitFor();
    expect(await p.locator('main img, main script, main svg').count()).toBe(0);
    await screenshot(p, 'xss-sensors');

    await p.goto(url(`#/events?sensorId=${sensorX}&range=7d`));
    for (const payload of XSS) await p.getByText(`T${payload}`, { exact: true }).waitFor();
    expect(await p.locator('main img, main script, main svg').count()).toBe(0);
    await screenshot(p, 'xss-events');
    // the sensor's own page lists them beside its (empty) timelines
    await p.goto(url(`#/sensor/${sensorX}?range=7d`));
    for (const payload of XSS) await p.locator('aside').getByText(`T${payload}`, { exact: true }).waitFor();
    expect(await p.locator('main img, main script, main svg').count()).toBe(0);

    // a crafted link: the sensor id of the URL is shown as a heading, the API's 400 as a message
    await p.goto(url(`#/sensor/${encodeURIComponent(XSS[0])}`));
    await p.locator('h1 .id').filter({ hasText: XSS[0] }).waitFor();
    await p.locator('.notice-error').first().waitFor();
    await p.goto(url(`#/alarms?sensorId=${encodeURIComponent(XSS[2])}&rule=${encodeURIComponent(XSS[1])}`));
    await p.locator('main .notice').first().waitFor();
    expect(await p.inputValue('input[name="sensorId"]')).toBe(XSS[2]);
    expect(await p.locator('main img, main script:not([src]), main svg').count()).toBe(0);
    await screenshot(p, 'xss-deep-link');
    await expectClean(p, watch);
  });

  itWhen(has.logs)(
    'when log lines carry HTML, then the logs page shows them as text, and a word in its filters narrows the list',
    async () => {
      const res = await fetch(`${stack.receiver}/api/v1/sensors/${sensorA}/logs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify([
          ...XSS.map((message) => ({ level: 'error', message, source: 'e2e' })),
          { level: 'warning', message: 'disk quokka nearly full', source: 'e2e' },
        ]),
      });
      expect(res.status).toBe(200);
      const { page: p, watch } = await page();
      await p.goto(url(`#/logs?sensorId=${sensorA}`));
      for (const payload of XSS) await p.getByText(payload, { exact: true }).first().waitFor({ timeout: 15_000 });
      await screenshot(p, 'logs');

      // the filters form: a word typed and Filter pressed narrow the list and go into the URL
      await p.locator('input[name="q"]').fill('quokka');
      await p.getByRole('button', { name: 'Filter' }).click();
      await p.waitForURL(/[?&]q=quokka/);
      const messages = p.locator('table .message');
      await messages.filter({ hasText: 'disk quokka nearly full' }).waitFor();
      await p.waitForFunction("document.querySelectorAll('table .message').length === 1");
      expect(await messages.allTextContents()).toEqual(['disk quokka nearly full']);
      await expectClean(p, watch);
    },
  );

  it('when a ?token= link is opened, then the token leaves the address bar and goes out as a Bearer header', async () => {
    const admin = await stack.token('admin');
    const { page: p, watch } = await page();
    const authorizations: string[] = [];
    p.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) authorizations.push(r.headers().authorization ?? '');
    });
    await p.goto(url('#/rules', `?token=${admin.token}`));
    await p.locator('header .who').filter({ hasText: 'admin' }).waitFor();
    expect(p.url()).not.toContain('token=');
    expect(p.url()).toContain('#/rules');
    expect(authorizations.length).toBeGreaterThan(0);
    expect(authorizations.every((a) => a === `Bearer ${admin.token}`)).toBe(true);
    expect(await p.evaluate('sessionStorage.length')).toBe(1);
    await screenshot(p, 'rules-admin');

    // signing out forgets it; a wrong token is refused with a message, and nothing is stored
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.locator('header .who').filter({ hasText: 'viewer (no token)' }).waitFor();
    await p.goto(url('#/login'));
    await p.fill('input[name="token"]', 'not-a-token-at-all-but-long-enough');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('.notice-error').filter({ hasText: 'not valid' }).waitFor();
    expect(await p.evaluate('sessionStorage.length + localStorage.length')).toBe(0);
    await screenshot(p, 'login-refused');
    await expectClean(p, watch);
  });

  it('when a view has nothing (or its endpoint is not on this server yet), then it says so instead of a blank page', async () => {
    const { page: p, watch } = await page({ viewport: PHONE, colorScheme: 'dark' });
    for (const view of [
      'alarms?sensorId=nobody-here',
      'events?sensorId=nobody-here',
      'logs?sensorId=nobody-here',
      'rules',
      `sensor/never-${run}`,
    ]) {
      await p.goto(url(`#/${view}`));
      const state = p.locator('main .notice, main table').first();
      await state.waitFor();
      expect(((await state.textContent()) ?? '').trim().length).toBeGreaterThan(0);
      await screenshot(p, `empty-${view.split(/[?/]/)[0]}-phone-dark`);
    }
    // nothing is wider than the phone's screen (tables scroll inside their box)
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await expectClean(p, watch);
  });

  itWhen(has.rules && has.me)(
    'when an operator saves a rule set the API refuses, then each problem is shown next to its field and nothing is saved',
    async () => {
      const operator = await stack.token('operator');
      const before = (await (await fetch(`${stack.assessor}/api/v1/rules`)).json()) as { version: number };
      const { page: p, watch } = await page();
      await p.goto(url('#/rules', `?token=${operator.token}`));
      await p.locator('button[data-action="edit"]').click();
      const first = p.locator('fieldset.rule-block').first();
      await first.locator('input[name="name"]').fill('Not A Name!');
      await first.locator('input[name="clearAfter"]').fill('0');
      await p.locator('button[data-action="save"]').click();
      const nameError = first.locator('input[name="name"] ~ .field-error');
      await nameError.filter({ hasText: /./ }).waitFor();
      expect(await first.locator('input[name="clearAfter"] ~ .field-error').textContent()).not.toBe('');
      expect(await p.locator('.rules-editor .notice-error').textContent()).toContain('not saved');
      // the message is tied to its field for screen readers
      const described = await first.locator('input[name="name"]').getAttribute('aria-describedby');
      expect(await p.locator(`[id="${described}"]`).textContent()).toBe(await nameError.textContent());
      expect(((await (await fetch(`${stack.assessor}/api/v1/rules`)).json()) as { version: number }).version).toBe(
        before.version,
      );
      await screenshot(p, 'rules-errors');
      await expectClean(p, watch);
    },
  );

  itWhen(has.alarms && has.me)(
    'when a run of warnings raises an alarm, then an operator acknowledges it by clicking and a viewer cannot',
    async () => {
      await stack.post([96, 97, 98].map((temperature, i) => ({ sensorId: sensorB, temperature, at: base + i * 1000 })));
      const operator = await stack.token('operator');
      const viewer = await stack.token('viewer');

      const asViewer = await page();
      await asViewer.page.goto(url(`#/alarms?sensorId=${sensorB}`, `?token=${viewer.token}`));
      await asViewer.page.locator('tr[data-alarm-id]').first().waitFor({ timeout: 20_000 });
      expect(await asViewer.page.locator('button[data-action="ack"]').count()).toBe(0);
      await expectClean(asViewer.page, asViewer.watch);

      const { page: p, watch } = await page();
      await p.goto(url(`#/alarms?sensorId=${sensorB}`, `?token=${operator.token}`));
      const row = p.locator('tr[data-alarm-id]').first();
      await row.waitFor({ timeout: 20_000 });
      await row.locator('input[name="comment"]').fill(XSS[0]);
      await row.locator('button[data-action="ack"]').click();
      await p.locator('tr[data-alarm-id]').filter({ hasText: operator.name }).waitFor();
      await p.getByText(XSS[0], { exact: true }).waitFor();
      await screenshot(p, 'alarms-acknowledged');
      await expectClean(p, watch);
    },
  );
});
