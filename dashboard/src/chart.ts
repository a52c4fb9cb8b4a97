// One metric's timeline, drawn by uPlot: the average per bucket as a line, the min/max of each bucket
// as a band, each rule's threshold as a dashed line, events as triangles at their time and value.
// Dragging across the plot selects a time range (the view turns it into a new frame: zoom). Colours
// come from the page's CSS variables, so the chart follows light and dark mode.
import uPlot from 'uplot';
import { drawnPoints, type Columns } from './series';

export interface Threshold {
  label: string;
  value: number;
}

export interface EventMark {
  /** epoch ms */
  at: number;
  value: number;
  label: string;
}

export interface TimelineData {
  columns: Columns;
  thresholds: Threshold[];
  events: EventMark[];
  /** the frame shown, epoch ms */
  from: number;
  to: number;
}

export interface Timeline {
  update(data: TimelineData): void;
  destroy(): void;
}

const HEIGHT = 240;

function palette(): Record<'fg' | 'grid' | 'avg' | 'band' | 'bandFill' | 'threshold' | 'event', string> {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--muted', '#666'),
    grid: v('--grid', 'rgba(128,128,128,0.2)'),
    avg: v('--chart-avg', '#1f6feb'),
    band: v('--chart-band', 'rgba(31,111,235,0.45)'),
    bandFill: v('--chart-band-fill', 'rgba(31,111,235,0.15)'),
    threshold: v('--chart-threshold', '#d1242f'),
    event: v('--chart-event', '#bf8700'),
  };
}

export function createTimeline(
  container: HTMLElement,
  metric: string,
  initial: TimelineData,
  onZoom: (from: number, to: number) => void,
): Timeline {
  let data = initial;
  let plot: uPlot | undefined;
  let shape = '';

  const aligned = (): uPlot.AlignedData => {
    const { x, avg, min, max } = data.columns;
    if (!data.thresholds.length) return [x, avg, min, max];
    // threshold lines span the whole frame: points at its edges, empty for the data series
    const from = data.from / 1000;
    const to = data.to / 1000;
    const head = !x.length || from < x[0] ? 1 : 0;
    const tail = !x.length || to > x[x.length - 1] ? 1 : 0;
    const pad = <T>(column: readonly T[], edge: T): T[] => [
      ...(head ? [edge] : []),
      ...column,
      ...(tail ? [edge] : []),
    ];
    const xs = [...(head ? [from] : []), ...x, ...(tail ? [to] : [])];
    return [xs, pad(avg, null), pad(min, null), pad(max, null), ...data.thresholds.map((t) => xs.map(() => t.value))];
  };

  const build = () => {
    plot?.destroy();
    const c = palette();
    const axis = { stroke: c.fg, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
    const options: uPlot.Options = {
      width: Math.max(240, container.clientWidth),
      height: HEIGHT,
      series: [
        {},
        { label: `${metric} avg`, stroke: c.avg, width: 2, spanGaps: false },
        { label: 'min', stroke: c.band, width: 1, spanGaps: false, points: { show: false } },
        { label: 'max', stroke: c.band, width: 1, spanGaps: false, points: { show: false } },
        ...data.thresholds.map((t) => ({
          label: t.label,
          stroke: c.threshold,
          width: 1.5,
          dash: [6, 4],
          points: { show: false },
        })),
      ],
      bands: [{ series: [3, 2], fill: c.bandFill }],
      scales: { x: { time: true, range: () => [data.from / 1000, data.to / 1000] } },
      axes: [axis, { ...axis, size: 56 }],
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            if (to - from >= 1000) onZoom(from, to);
          },
        ],
        draw: [(u) => drawEvents(u, data.events, c.event)],
      },
    };
    plot = new uPlot(options, aligned(), container);
    shape = data.thresholds.map((t) => t.label).join('|');
  };

  const mark = () => {
    container.dataset.points = String(drawnPoints(data.columns));
    container.dataset.from = new Date(data.from).toISOString();
    container.dataset.to = new Date(data.to).toISOString();
  };

  build();
  mark();

  const resize = new ResizeObserver(() => {
    const width = Math.max(240, container.clientWidth);
    if (plot && Math.abs(plot.width - width) > 1) plot.setSize({ width, height: HEIGHT });
  });
  resize.observe(container);
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const recolour = () => build();
  scheme.addEventListener('change', recolour);

  return {
    update(next) {
      data = next;
      if (!plot || next.thresholds.map((t) => t.label).join('|') !== shape) build();
      else plot.setData(aligned());
      mark();
    },
    destroy() {
      resize.disconnect();
      scheme.removeEventListener('change', recolour);
      plot?.destroy();
      plot = undefined;
    },
  };
}

function drawEvents(u: uPlot, events: readonly EventMark[], colour: string): void {
  if (!events.length) return;
  const { ctx } = u;
  const r = 6 * uPlot.pxRatio;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.fillStyle = colour;
  ctx.strokeStyle = colour;
  ctx.lineWidth = uPlot.pxRatio;
  for (const e of events) {
    const x = u.valToPos(e.at / 1000, 'x', true);
    if (x < left || x > left + width) continue;
    const yRaw = u.valToPos(e.value, 'y', true);
    const y = Math.min(top + height, Math.max(top + r, yRaw));
    ctx.beginPath();
    ctx.moveTo(x, y - r * 2);
    ctx.lineTo(x - r, y - r * 3.5);
    ctx.lineTo(x + r, y - r * 3.5);
    ctx.closePath();
    ctx.fill();
    ctx.setLineDash([2 * uPlot.pxRatio, 2 * uPlot.pxRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.globalAlpha = 0.5;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }
  ctx.restore();
}
