// The bench report: markdown for people, JSON for tools (and for comparing runs). Pure and stable:
// the same result renders to the same bytes, so reports diff well in git.
import type { AlarmLatency } from './alarm-phase';
import type { BenchResult, SaverWrites, SimulatedLoad } from './bench-result';
import type { RuleCost } from './rules-phase';
import { computeRatios, evaluateTargets, judge, sustainedRate } from './targets';

/** What bench.ts adds to a BenchResult beyond targets.ts's figures (older reports lack them). */
export type ReportedResult = BenchResult & { ruleCost?: RuleCost; alarmLatency?: AlarmLatency };

/** The rows of the rule-cost and alarm-latency targets (issue 9), in the Targets table's shape. Pure. */
export function issueNineTargets(
  r: ReportedResult,
): Array<{ name: string; target: string; measured: string; met: boolean; verdict: string }> {
  const rows: Array<{ name: string; target: string; measured: string; met: boolean; verdict: string }> = [];
  for (const s of r.ruleCost?.sets ?? []) {
    if (s.set === 'default') continue;
    const goal = s.set === 'hundred' ? 0.8 : 0.5;
    const t = judge(s.share, goal, 'atLeast');
    rows.push({
      name: `Processor with ${num(s.rules)} rules (share of the default rule's throughput)`,
      target: `>= ${pct(goal)}`,
      measured: `${pct(s.share)} (${num(s.medianReadingsPerSecond)} readings/s)`,
      ...t,
    });
  }
  const a = r.alarmLatency;
  if (a) {
    const t = judge(a.alarmsExpected > 0 ? a.latencyMs.p99 : Number.NaN, 1000, 'below');
    const missing = a.alarmsExpected - a.alarmsSeen;
    rows.push({
      name: `Alarm latency, 200 → GET /api/v1/alarms, p99 at ${num(a.targetRate)} readings/s`,
      target: '< 1,000 ms',
      measured: `${msText(a.latencyMs.p99)} ms over ${num(a.alarmsSeen)} alarms${missing > 0 ? `, ${num(missing)} not listed in time` : ''}`,
      met: t.met && missing === 0,
      verdict: missing > 0 ? `missed: ${num(missing)} alarms not listed` : t.verdict,
    });
    const rc = a.ruleChange;
    if (rc) {
      const c = judge(rc.applied > 0 ? rc.latencyMs.p99 : Number.NaN, 5000, 'below');
      const notApplied = rc.changes - rc.applied;
      rows.push({
        name: `Rule-set change (PUT /api/v1/rules) applied by all ${rc.processors} processors, p99`,
        target: '< 5,000 ms',
        measured: `${msText(rc.latencyMs.p99)} ms (p50 ${msText(rc.latencyMs.p50)}) over ${num(rc.applied)} changes${notApplied > 0 ? `, ${num(notApplied)} not applied in 30 s` : ''}`,
        met: c.met && notApplied === 0,
        verdict: notApplied > 0 ? `missed: ${num(notApplied)} changes not applied` : c.verdict,
      });
    }
  }
  return rows;
}

const num = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const dec = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const msText = (n: number) =>
  !Number.isFinite(n) ? '-' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-');

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => String(c ?? '').replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const errorsText = (errors: Record<string, number>) => {
  const entries = Object.entries(errors).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([s, n]) => `${s}: ${num(n)}`).join(', ') : 'none';
};

const writesText = (w: SaverWrites) =>
  `${num(w.transactions)} transactions of ${num(w.rowsPerTransaction)} rows on average, ${msText(w.msPerTransaction)} ms each, in a transaction ${pct(w.busyShare)} of the time`;

function loadRow(name: string, l: SimulatedLoad): string[] {
  return [
    name,
    `${l.readingsPerRequest}`,
    `${l.concurrency}`,
    l.targetRate > 0 ? num(l.targetRate) : 'max',
    num(l.requestsPerSecond),
    num(l.readingsPerSecond),
    `${msText(l.latencyMs.p50)} / ${msText(l.latencyMs.p95)} / ${msText(l.latencyMs.p99)}`,
    errorsText(l.errorsByStatus),
  ];
}

export function renderMarkdown(r: ReportedResult): string {
  const m = r.machine;
  const targets = evaluateTargets(r);
  const ratios = computeRatios(r);
  const pg = r.limits.postgres;
  const e2e = r.endToEnd;
  const lat = r.eventLatency;
  const s = r.statistics;
  const out: string[] = [];

  out.push(`# Metrics bench, ${r.startedAt.slice(0, 10)}`);
  out.push('');
  if (r.quick) {
    out.push(
      '> **Quick run (BENCH_QUICK=1)**: every phase is a few seconds long. The figures only show that the bench works; judge the pipeline on a full run.',
    );
    out.push('');
  }
  out.push(
    `One \`make bench\` run on one machine, everything co-located: Kafka broker, PostgreSQL, Redis, the services (child processes, own topics, groups and database \`metrics_bench\`) and the load generator share ${m.cores} cores. Ratios to the limits measured in the same run matter more than absolute figures.`,
  );
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push(
    table(
      ['', ''],
      [
        ['CPU', `${m.cpuModel}, ${m.cores} cores`],
        ['Memory', `${dec(m.memoryGb)} GB`],
        ['OS', m.os],
        ['Node.js', m.node],
        ['Kafka', m.kafka],
        ['PostgreSQL', m.postgres],
        ['Redis', m.redis],
        [
          'Load at start',
          `load average ${dec(m.loadAverageAtStart, 2)}; other processes using ${dec(m.otherCpuAtStart, 2)} cores`,
        ],
        ['Run', `${r.startedAt} to ${r.finishedAt} (${dec(r.tookS / 60)} min)`],
      ],
    ),
  );
  out.push('');

  out.push('## Targets');
  out.push('');
  out.push(
    table(
      ['Target', 'Goal', 'Measured', 'Verdict'],
      [...targets, ...issueNineTargets(r)].map((t) => [
        t.name,
        t.target,
        t.measured,
        `${t.met ? '✅' : '❌'} ${t.verdict}`,
      ]),
    ),
  );
  out.push('');

  out.push('## Figures and the limits they are bounded by');
  out.push('');
  out.push(
    table(
      ['Figure', 'Value', 'Bounded by', 'Limit', 'Ratio'],
      ratios.map((x) =>
        x.unit === 'ms'
          ? [x.figure, `${msText(x.value)} ms`, x.limit, `${msText(x.limitValue)} ms`, `${dec(x.ratio)}x faster`]
          : [x.figure, `${num(x.value)} ${x.unit}`, x.limit, `${num(x.limitValue)} ${x.unit}`, pct(x.ratio)],
      ),
    ),
  );
  out.push('');

  out.push('## Limits');
  out.push('');
  const k = r.limits.kafkaSendBatch;
  const c = r.limits.kafkaConsume;
  out.push(
    `- **Kafka, raw kafkajs sendBatch**: ${num(k.perSecond)} readings/s, the best of ${k.rounds?.length ?? 1} rounds (${(k.rounds ?? [k.perSecond]).map(num).join(', ')}; ${num(k.items)} Avro readings in ${dec(k.seconds)} s of encode + send in all). One idempotent producer as \`createProducer\` makes it, acks -1, fresh topic with the pipeline's partition count; sends as large as the receiver's group commit makes them under load (at most 5,000 readings and 512 KiB: ${num(k.perRequest ?? Number.NaN)} readings each here), one in flight and the next one encoded meanwhile.`,
  );
  out.push(
    `- **Kafka, raw kafkajs consume**: ${num(c.perSecond)} readings/s (the same topic read by a plain consumer group, eachBatch, each value decoded with readingCodec, nothing else).`,
  );
  out.push(
    `- **PostgreSQL ingest** of ${num(pg.rows)} rows shaped like \`readings\`, one connection, 5,000 rows per statement: UNNEST multi-row INSERT into a table without indexes ${num(pg.unnestPlain.perSecond)} rows/s; the same into a copy of \`readings\` with its primary key and indexes ${num(pg.unnestIndexed.perSecond)} rows/s; ${pg.copyPlain ? `\`psql \\copy\` of a CSV file (COPY FROM STDIN, one transaction) into the table without indexes ${num(pg.copyPlain.perSecond)} rows/s` : '`psql` not found, so no COPY figure'}. The limit is the fastest: **${pg.fastest === 'copy' ? 'COPY' : 'UNNEST'}**, ${num(pg.limit.perSecond)} rows/s.`,
  );
  out.push(
    `- **The saver's own transaction** (\`writeBatch\` of saver/src/writer.ts: readings, minute rollups and latest values in one statement per batch, into the real tables) called directly on the same batches, no Kafka: ${num(pg.saverTransaction.perSecond)} rows/s.`,
  );
  out.push('');

  out.push('## Receiver');
  out.push('');
  out.push(
    table(
      [
        'Requests',
        'Readings/request',
        'In flight',
        'Target rate',
        'Requests/s',
        'Readings/s',
        'Latency p50 / p95 / p99 ms',
        'Errors',
      ],
      [loadRow('batch', r.receiverBatch), loadRow('single', r.receiverSingle)],
    ),
  );
  out.push('');
  const produceText = (p: BenchResult['receiverProduces']['batch']) =>
    `${num(p.produces)} sends of ${num(p.readingsPerProduce)} readings on average, ${msText(p.msPerProduce)} ms each`;
  out.push(
    `Simulator at full speed, after a short warm-up; only the receiver runs (plus Kafka). Its Kafka sends (its /metrics): batch requests ${produceText(r.receiverProduces.batch)}; single-reading requests ${produceText(r.receiverProduces.single)}.`,
  );
  out.push('');

  out.push('## Processor and saver');
  out.push('');
  out.push(
    table(
      ['Service', 'Input', 'Readings/s', 'Seconds', 'From process start', 'Events'],
      [
        [
          'processor',
          `${num(r.processor.readings)} readings pre-loaded`,
          num(r.processor.readingsPerSecond),
          dec(r.processor.seconds),
          `${dec(r.processor.secondsFromStart)} s`,
          num(r.processor.events),
        ],
        [
          'saver',
          `${num(r.saver.readings)} readings + the processor's events`,
          num(r.saver.readingsPerSecond),
          dec(r.saver.seconds),
          `${dec(r.saver.secondsFromStart)} s`,
          num(r.saver.events),
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    'Each consumes the pre-loaded readings topic with a fresh group; timed from the first progress on its /metrics to the last reading (processor: `processor_readings_total`; saver: `saver_rows_written_total`, then rows counted in PostgreSQL).',
  );
  out.push('');
  if (r.saver.saverWrites) out.push(`Saver transactions (its /metrics): ${writesText(r.saver.saverWrites)}.`, '');

  if (r.ruleCost) {
    const rc = r.ruleCost;
    out.push('## Rules');
    out.push('');
    out.push(
      `The processor alone on the pre-loaded topic, a fresh one per round, timed through its first ${num(rc.readingsPerRound)} readings; rule sets in alternating rounds (${rc.cycles} cycles of default, 100, 1,000 rules). 100 rules: 10 metrics (temperature and humidity, which the readings carry, and 8 they do not) × 10 sensor patterns; 1,000: 10 metrics × 100 patterns; each reading's (sensor, metric) matches one rule (bench/src/rules-phase.ts). Share by CPU: the default rule's processor CPU per reading over the set's, per cycle (what the share would be with a core to itself; less moved by other processes than the rates).`,
    );
    out.push('');
    out.push(
      table(
        [
          'Rule set',
          'Rules',
          'Median readings/s',
          'Rounds (readings/s)',
          'Share of default per cycle',
          'Share (median)',
          'Processor CPU µs/reading',
          'Share by CPU',
        ],
        rc.sets.map((s) => [
          s.set,
          num(s.rules),
          num(s.medianReadingsPerSecond),
          rc.rounds
            .filter((x) => x.set === s.set)
            .map((x) => num(x.readingsPerSecond))
            .join(', '),
          s.set === 'default' ? '-' : s.cycleShares.map(pct).join(', '),
          s.set === 'default' ? '100%' : pct(s.share),
          dec(s.medianCpuUsPerReading),
          s.set === 'default' ? '100%' : pct(s.cpuShare),
        ]),
      ),
    );
    out.push('');
  }

  out.push('## End to end');
  out.push('');
  out.push(
    `HTTP batch requests (${e2e.load.readingsPerRequest} readings each) paced at ${num(e2e.load.targetRate)} readings/s for ${e2e.durationS} s, receiver + processor + saver running.`,
  );
  out.push('');
  out.push(
    table(
      [
        'Accepted',
        'Stored during the load',
        'Sustained',
        'Backlog at end',
        'Backlog trend',
        'Drain after',
        'Rows stored',
        'Lost',
        'Errors',
        'Request p99',
      ],
      [
        [
          `${num(e2e.load.readingsPerSecond)}/s`,
          `${num(e2e.storedPerSecond)}/s`,
          `${num(sustainedRate(e2e))}/s`,
          num(e2e.backlogAtEnd),
          `${e2e.backlogGrew ? 'grew' : 'steady'} (${num(e2e.backlogSlopePerS)}/s)`,
          `${dec(e2e.drainS)} s`,
          num(e2e.storedRows),
          num(e2e.lost),
          errorsText(e2e.load.errorsByStatus),
          `${msText(e2e.load.latencyMs.p99)} ms`,
        ],
      ],
    ),
  );
  out.push('');
  const step = Math.max(1, Math.round(e2e.timeline.length / 12));
  const sampled = e2e.timeline.filter((_, i) => i % step === 0 || i === e2e.timeline.length - 1);
  if (sampled.length) {
    out.push(
      table(
        ['t (s)', 'Accepted', 'Processed', 'Stored', 'Backlog'],
        sampled.map((p) => [dec(p.t, 0), num(p.accepted), num(p.processed), num(p.stored), num(p.accepted - p.stored)]),
      ),
    );
    out.push('');
  }

  const f = r.endToEndFullSpeed;
  out.push(
    `**At full speed** (the receiver phase's load, ${f.load.readingsPerRequest} readings per request, ${f.load.concurrency} in flight, for ${f.durationS} s on the same stack): ${num(f.load.readingsPerSecond)} readings/s accepted, ${num(f.processedPerSecond)}/s processed, **${num(f.storedPerSecond)}/s stored**; backlog at the end ${num(f.backlogAtEnd)}, drained in ${dec(f.drainS)} s; ${num(f.lost)} lost over the whole end-to-end phase.`,
  );
  out.push('');

  out.push('## Event latency');
  out.push('');
  out.push(
    `From the client reading the 200 of a request to \`events.stored_at\` of the event its reading raised (PostgreSQL \`now()\`, the start of the saver's transaction; same clock). Batch requests of ${lat.load.readingsPerRequest} readings paced at ${num(lat.targetRate)} readings/s for ${dec(lat.load.elapsedS, 0)} s on the running pipeline.`,
  );
  out.push('');
  const latencyRow = (name: string, l: BenchResult['eventLatency']['latencyMs']) => [
    name,
    num(l.count),
    msText(l.p50),
    msText(l.p95),
    msText(l.p99),
    msText(l.max),
  ];
  out.push(
    table(
      ['Span', 'Events', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      [
        latencyRow('200 → event stored', lat.latencyMs),
        latencyRow('200 → event produced by the processor (its Kafka timestamp)', lat.toEventsTopicMs),
        latencyRow('event produced → stored by the saver', lat.eventsTopicToStoredMs),
      ],
    ),
  );
  out.push('');
  out.push(
    `${num(lat.events)} events stored, ${num(lat.unmatched)} not matched to a reading the client saw accepted; ${num(lat.load.readingsPerSecond)} readings/s accepted.${lat.saverWrites ? ` Saver transactions meanwhile: ${writesText(lat.saverWrites)}.` : ''}`,
  );
  out.push('');

  if (r.alarmLatency) {
    const a = r.alarmLatency;
    out.push('## Alarm latency');
    out.push('');
    out.push(
      `Receiver + processor + saver + assessor; batch requests paced at ${num(a.targetRate)} readings/s for ${a.durationS} s (after a warm-up) over ${num(a.sensors)} sensors, ${num(a.crossingSensors)} of which cross the default rule in episodes (each raising one alarm). From the bench reading the 200 of the request holding the reading that completes the N-th warning to a poll of \`GET /api/v1/alarms\` (every ${a.pollMs} ms, ${num(a.polls)} requests in all) first listing that alarm (bench/src/alarm-phase.ts).`,
    );
    out.push('');
    out.push(
      table(
        ['Accepted', 'Alarms expected', 'Listed', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Request errors'],
        [
          [
            `${num(a.readingsPerSecond)}/s`,
            num(a.alarmsExpected),
            num(a.alarmsSeen),
            msText(a.latencyMs.p50),
            msText(a.latencyMs.p95),
            msText(a.latencyMs.p99),
            msText(a.latencyMs.max),
            num(a.postErrors),
          ],
        ],
      ),
    );
    out.push('');
    if (a.toAlarmsTopicMs) {
      out.push(
        `Split at the Kafka timestamp of the alarm's first transition on the alarms topic (the processor produced it): 200 → produced p50 ${msText(a.toAlarmsTopicMs.p50)} ms, p99 ${msText(a.toAlarmsTopicMs.p99)} ms; produced → listed (the saver's transaction, the assessor's query, the poll interval) p50 ${msText(a.alarmsTopicToListedMs.p50)} ms, p99 ${msText(a.alarmsTopicToListedMs.p99)} ms.`,
      );
      out.push('');
    }
    if (a.ruleChange) {
      const rc = a.ruleChange;
      out.push(
        `**Rule-set changes** on the same stack after the load, ${num(rc.processors)} processors in its group: ${num(rc.changes)} PUTs of \`/api/v1/rules\` one at a time (operator token); from the PUT's 200 to every processor's \`processor_rule_set_version\` (its /metrics, polled every ${rc.pollMs} ms) showing the version: p50 ${msText(rc.latencyMs.p50)} ms, p95 ${msText(rc.latencyMs.p95)} ms, p99 ${msText(rc.latencyMs.p99)} ms, max ${msText(rc.latencyMs.max)} ms; ${num(rc.applied)} of ${num(rc.changes)} applied everywhere.`,
      );
      out.push('');
    }
  }

  out.push('## Statistics with history');
  out.push('');
  out.push(
    `${num(s.readings)} readings (one per second for ${s.days} days, sensor \`${s.sensorId}\`) and ${num(s.minuteRollups)} minute rollups generated with \`generate_series\` in ${dec(s.generateS)} s. Medians of ${s.calls} calls after two warm-up calls, timed by the client.`,
  );
  out.push('');
  out.push(
    table(
      ['Query', 'Median ms'],
      [
        [
          `GET /api/v1/sensors/{id}/statistics?bucket=hour over ${s.days} days (assessor)`,
          msText(s.hourlyStatisticsMs),
        ],
        ['GET /api/v1/sensors/{id}/measurements (compat, assessor)', msText(s.measurementsMs)],
        ['Same hourly buckets from raw readings (SQL GROUP BY, baseline)', msText(s.rawHourlyMs)],
      ],
    ),
  );
  out.push('');
  out.push(`Buckets of the API equal to those of the raw readings: ${s.consistent ? 'yes' : '**no**'}.`);
  out.push('');

  out.push('## Memory per service');
  out.push('');
  out.push(
    'Peak resident set (VmHWM of /proc/<pid>/status, since the service started; services are started afresh per phase, except that the three end-to-end runs share one stack), and from its /metrics at the end of the phase the V8 heap used / allocated and the memory outside the heap (buffers).',
  );
  out.push('');
  const memoryRows: string[][] = [];
  for (const [phase, services] of Object.entries(r.memory)) {
    for (const [name, v] of Object.entries(services)) {
      memoryRows.push([
        phase,
        name,
        dec(v.peakRssMb, 0),
        v.heapUsedMb === undefined ? '-' : `${dec(v.heapUsedMb, 0)} / ${dec(v.heapTotalMb ?? Number.NaN, 0)}`,
        v.externalMb === undefined ? '-' : dec(v.externalMb, 0),
      ]);
    }
  }
  out.push(table(['Phase', 'Service', 'Peak RSS MB', 'Heap used / allocated MB', 'External MB'], memoryRows));
  out.push('');

  out.push('## CPU per phase (cores busy; the machine has ' + m.cores + ')');
  out.push('');
  const groups = [...new Set(Object.values(r.cpu).flatMap((c) => Object.keys(c)))];
  const order = ['receiver', 'processor', 'saver', 'assessor', 'bench', 'kafka', 'postgres', 'redis', 'other'];
  const rank = (g: string) => (order.includes(g) ? order.indexOf(g) : order.length);
  groups.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  out.push(
    table(
      ['Phase', ...groups, 'Machine speed'],
      Object.entries(r.cpu).map(([phase, c]) => [
        phase,
        ...groups.map((g) => (c[g] === undefined ? '' : dec(c[g], 2))),
        r.machineSpeed[phase] === undefined ? '' : dec(r.machineSpeed[phase], 2),
      ]),
    ),
  );
  out.push('');
  out.push(
    'Machine speed: a fixed CPU-bound loop timed just before the phase, relative to before the first phase (1.00 = as fast; 0.70 = the same code ran 30% slower). On a shared or virtual machine it moves with the other tenants of the host.',
  );
  out.push('');
  out.push(
    '`bench` is this process: the load generator (simulator) and the polling. `other` is everything else on the machine.',
  );
  out.push('');

  out.push('## Service settings');
  out.push('');
  out.push(
    table(
      ['Variable', 'Value'],
      Object.entries(r.serviceSettings).map(([k, v]) => [`\`${k}\``, v]),
    ),
  );
  out.push('');
  if (r.notes.length) {
    out.push('## Notes');
    out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function renderJson(r: ReportedResult): string {
  return `${JSON.stringify({ ...r, targets: [...evaluateTargets(r), ...issueNineTargets(r)], ratios: computeRatios(r) }, null, 2)}\n`;
}
