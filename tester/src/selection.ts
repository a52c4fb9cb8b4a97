// Which tests run: all of them, or those named with -t, in the order named.

export type Selection<T> = { ok: true; tests: T[] } | { ok: false; unknown: string[] };

export function selectTests<T extends { name: string }>(
  all: readonly T[],
  names: readonly string[] | undefined,
): Selection<T> {
  if (!names) return { ok: true, tests: [...all] };
  const byName = new Map(all.map((t) => [t.name, t]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) return { ok: false, unknown: [...new Set(unknown)] };
  const unique = [...new Set(names)];
  return { ok: true, tests: unique.map((n) => byName.get(n) as T) };
}
