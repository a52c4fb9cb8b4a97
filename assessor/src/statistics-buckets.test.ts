import { EARLIEST_MS } from '../../shared/src';
import { type Bucket, BUCKETS, bucketCount, bucketStarts, minuteAligned, timeZone, UTC } from './statistics-buckets';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-windows';

const t = (text: string) => Date.parse(text);
const isoList = (xs: number[]) => xs.map((x) => new Date(x).toISOString());
const zone = (name: string) => {
  const z = timeZone(name);
  if (!z) throw new Error(`no zone ${name}`);
  return z;
};
const lengths = (starts: number[], end: number) => starts.map((s, i) => ((starts[i + 1] ?? end) - s) / HOUR_MS);

describe('bucket names', () => {
  it('when listed, then the durations of the contract and the original names are all there', () => {
    expect(BUCKETS).toEqual(
      expect.arrayContaining(['minute', 'hour', 'day', '1m', '5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '7d']),
    );
  });
});

describe('sub-day buckets', () => {
  it('when the range is not aligned, then they start at UTC multiples of their length, the first at or before from', () => {
    const range = { from: t('2026-11-22T10:07:00Z'), to: t('2026-11-22T10:31:00Z') };
    expect(isoList(bucketStarts(range, '15m'))).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T10:15:00.000Z',
      '2026-11-22T10:30:00.000Z',
    ]);
    expect(bucketCount(range, '15m')).toBe(3);
    expect(bucketCount(range, '5m')).toBe(6);
  });

  it('when a zone is given, then it changes nothing: every bucket keeps its length across a clock change', () => {
    const range = { from: t('2026-03-29T00:00:00Z'), to: t('2026-03-29T04:00:00Z') };
    const berlin = zone('Europe/Berlin');
    expect(bucketStarts(range, '1h', berlin)).toEqual(bucketStarts(range, '1h'));
    expect(lengths(bucketStarts(range, '1h', berlin), range.to)).toEqual([1, 1, 1, 1]);
    expect(isoList(bucketStarts(range, '3h', berlin))).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T03:00:00.000Z',
    ]);
  });

  it('when the zone has a half-hour offset, then hour buckets start at :30 local (UTC hours)', () => {
    const range = { from: t('2026-11-22T10:00:00Z'), to: t('2026-11-22T12:00:00Z') };
    expect(isoList(bucketStarts(range, 'hour', zone('Asia/Kolkata')))).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T11:00:00.000Z',
    ]);
  });

  it('when the range ends on a boundary, then the bucket starting there is not included', () => {
    const range = { from: t('2026-11-22T00:00:00Z'), to: t('2026-11-22T12:00:00Z') };
    expect(bucketStarts(range, '6h')).toHaveLength(2);
    expect(bucketCount(range, '6h')).toBe(2);
    expect(bucketCount(range, '12h')).toBe(1);
  });
});

describe('day buckets', () => {
  it('when in UTC, then they start at UTC midnight as the original day bucket did', () => {
    const range = { from: t('2026-11-22T10:00:05.001+02:00'), to: t('2026-11-24T00:00:00Z') };
    expect(isoList(bucketStarts(range, 'day'))).toEqual(['2026-11-22T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
    expect(bucketStarts(range, '1d', UTC)).toEqual(bucketStarts(range, 'day'));
    expect(bucketCount(range, 'day')).toBe(2);
  });

  it('when Europe/Berlin springs forward, then that day bucket has 23 hours', () => {
    const berlin = zone('Europe/Berlin');
    const range = { from: t('2026-03-28T00:00:00+01:00'), to: t('2026-03-31T00:00:00+02:00') };
    const starts = bucketStarts(range, '1d', berlin);
    expect(isoList(starts)).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect(lengths(starts, range.to)).toEqual([24, 23, 24]);
    expect(bucketCount(range, '1d', berlin)).toBe(3);
  });

  it('when Europe/Berlin falls back, then that day bucket has 25 hours', () => {
    const berlin = zone('Europe/Berlin');
    const range = { from: t('2026-10-25T00:00:00+02:00'), to: t('2026-10-27T00:00:00+01:00') };
    const starts = bucketStarts(range, 'day', berlin);
    expect(isoList(starts)).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    expect(lengths(starts, range.to)).toEqual([25, 24]);
  });

  it('when midnight falls into a gap (Sao Paulo 2018), then the day starts where the clocks jumped to', () => {
    const starts = bucketStarts(
      { from: t('2018-11-03T12:00:00-03:00'), to: t('2018-11-05T12:00:00-02:00') },
      'day',
      zone('America/Sao_Paulo'),
    );
    // 2018-11-04 00:00 -03:00 became 01:00 -02:00 (03:00Z)
    expect(isoList(starts)).toEqual([
      '2018-11-03T03:00:00.000Z',
      '2018-11-04T03:00:00.000Z',
      '2018-11-05T02:00:00.000Z',
    ]);
  });

  it('when midnight happens twice (Havana 2023), then the day starts at the first one', () => {
    const starts = bucketStarts(
      { from: t('2023-11-04T12:00:00-04:00'), to: t('2023-11-05T12:00:00-05:00') },
      'day',
      zone('America/Havana'),
    );
    expect(isoList(starts)).toEqual(['2023-11-04T04:00:00.000Z', '2023-11-05T04:00:00.000Z']);
  });

  it.each([
    'Europe/Berlin',
    'America/New_York',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Kathmandu',
    'America/Santiago',
    'Pacific/Apia',
  ])(
    'when every day of 2011-2012 is bucketed in %s, then each bucket starts on the first second of its local day',
    (name) => {
      const z = zone(name);
      const range = { from: t('2011-01-01T00:00:00Z'), to: t('2013-01-01T00:00:00Z') };
      const starts = bucketStarts(range, 'day', z);
      // Samoa skipped 30 December 2011: counted (bucketCount is a bound), never started
      expect(bucketCount(range, 'day', z) - starts.length).toBe(name === 'Pacific/Apia' ? 1 : 0);
      starts.forEach((s, i) => {
        if (i > 0) {
          expect(z.civilDayOf(s)).toBe(
            z.civilDayOf(starts[i - 1]) + (name === 'Pacific/Apia' && s === t('2011-12-30T10:00:00Z') ? 2 : 1),
          );
        }
        expect(z.civilDayOf(s - 1000)).toBeLessThan(z.civilDayOf(s));
      });
    },
  );
});

describe('week buckets', () => {
  it('when bucketed by 7d, then weeks start on Monday at local midnight', () => {
    const berlin = zone('Europe/Berlin');
    // Sunday 2026-11-22 to Wednesday 2026-12-02
    const range = { from: t('2026-11-22T12:00:00Z'), to: t('2026-12-02T00:00:00Z') };
    expect(isoList(bucketStarts(range, '7d', berlin))).toEqual([
      '2026-11-15T23:00:00.000Z',
      '2026-11-22T23:00:00.000Z',
      '2026-11-29T23:00:00.000Z',
    ]);
    expect(isoList(bucketStarts(range, '7d'))).toEqual([
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
    expect(bucketCount(range, '7d', berlin)).toBe(3);
  });

  it('when a week holds a clock change, then it is 167 or 169 hours long', () => {
    const berlin = zone('Europe/Berlin');
    const spring = bucketStarts({ from: t('2026-03-25T00:00:00Z'), to: t('2026-04-02T00:00:00Z') }, '7d', berlin);
    expect(isoList(spring)).toEqual(['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect((spring[1] - spring[0]) / HOUR_MS).toBe(167);
    const autumn = bucketStarts({ from: t('2026-10-21T00:00:00Z'), to: t('2026-10-29T00:00:00Z') }, '7d', berlin);
    expect((autumn[1] - autumn[0]) / HOUR_MS).toBe(169);
  });

  it('when the range starts on a Monday at local midnight, then that week is the first', () => {
    const starts = bucketStarts(
      { from: t('2026-11-23T00:00:00+01:00'), to: t('2026-11-24T00:00:00Z') },
      '7d',
      zone('Europe/Berlin'),
    );
    expect(isoList(starts)).toEqual(['2026-11-22T23:00:00.000Z']);
  });
});

describe('zones', () => {
  it('when the name is not a zone, then there is none', () => {
    for (const name of ['Mars/Olympus', '+01:00', '', 'Europe/Berlin\u0000', 'x'.repeat(65), '../etc/passwd'])
      expect(timeZone(name)).toBeUndefined();
  });

  it('when the name is UTC in any spelling, then it is UTC', () => {
    for (const name of ['UTC', 'utc', 'Etc/UTC']) expect(timeZone(name)?.offsetAt(t('2026-07-01T00:00:00Z'))).toBe(0);
    expect(timeZone('utc')?.name).toBe('utc');
  });

  it('when asked for offsets, then they follow the zone, in whole seconds, before 1970 and before year 1 too', () => {
    const ny = zone('America/New_York');
    expect(ny.offsetAt(t('2026-07-01T12:00:00.500Z'))).toBe(-4 * HOUR_MS);
    expect(ny.offsetAt(t('2026-01-01T12:00:00Z'))).toBe(-5 * HOUR_MS);
    expect(ny.offsetAt(t('1880-01-01T12:00:00Z'))).toBe(-(4 * HOUR_MS + 56 * MINUTE_MS + 2000)); // local mean time
    expect(ny.civilDayOf(EARLIEST_MS)).toBe(UTC.civilDayOf(EARLIEST_MS) - 1); // 31 December 1 BC
  });

  it('when a day starts at a local mean time, then its start is not on a minute and the caller is told', () => {
    const ny = zone('America/New_York');
    const starts = bucketStarts({ from: t('1880-01-01T12:00:00Z'), to: t('1880-01-03T12:00:00Z') }, 'day', ny);
    expect(minuteAligned(starts)).toBe(false);
    expect(
      minuteAligned(bucketStarts({ from: t('2026-01-01T12:00:00Z'), to: t('2026-01-09T00:00:00Z') }, 'day', ny)),
    ).toBe(true);
  });

  it('when the first local day begins before year 1, then its start is given as the earliest instant', () => {
    const starts = bucketStarts({ from: EARLIEST_MS, to: EARLIEST_MS + DAY_MS }, 'day', zone('America/New_York'));
    expect(starts[0]).toBe(EARLIEST_MS);
    expect(starts).toHaveLength(2);
  });

  it('when any bucket of the contract is counted over a year, then the count is the number of starts', () => {
    const range = { from: t('2026-01-01T00:00:00Z'), to: t('2027-01-01T00:00:00Z') };
    const berlin = zone('Europe/Berlin');
    for (const bucket of BUCKETS.filter((b) => !['minute', '1m', '5m'].includes(b)) as Bucket[])
      expect(bucketStarts(range, bucket, berlin)).toHaveLength(bucketCount(range, bucket, berlin));
  });
});
