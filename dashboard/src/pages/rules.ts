// Rules: the rule set and its version; operators edit it in a form (one block per rule) and save it
// whole (PUT /api/v1/rules, all or nothing). The API's 400 names each problem by its path
// (`rules[2].clearThreshold`): each is shown next to its field, the rest above the form.
import { api, ApiError, apiPath, describeError, type FieldError, isMissing } from '../api';
import { button, field, h, input, notice, replace, row, select, table } from '../dom';
import { formatValue } from '../format';
import type { PageContext } from '../page';
import type { RuleView } from '../rules-match';
import { can } from '../session';
import { SEVERITIES, severityBadge } from '../severity';

interface RuleSet {
  rules: RuleView[];
  version?: number;
}

const COMPARISONS = ['>=', '>', '<=', '<'] as const;

/** The form's fields per kind, in the order shown; `number` fields are sent as numbers, `list` as arrays. */
const FIELDS: Record<
  'threshold' | 'silence',
  ReadonlyArray<readonly [name: string, label: string, kind: 'text' | 'number' | 'list' | 'comparison' | 'severity']>
> = {
  threshold: [
    ['name', 'Name', 'text'],
    ['metric', 'Metric', 'text'],
    ['comparison', 'Comparison', 'comparison'],
    ['threshold', 'Threshold', 'number'],
    ['warningsForEvent', 'Warnings for an event (N)', 'number'],
    ['severity', 'Severity', 'severity'],
    ['type', 'Type', 'text'],
    ['sensors', 'Sensors (globs, comma separated)', 'list'],
    ['clearThreshold', 'Clear threshold', 'number'],
    ['clearAfter', 'Clear after (readings)', 'number'],
  ],
  silence: [
    ['name', 'Name', 'text'],
    ['afterSeconds', 'Silent after (seconds)', 'number'],
    ['severity', 'Severity', 'severity'],
    ['type', 'Type', 'text'],
    ['sensors', 'Sensors (globs, comma separated)', 'list'],
  ],
};

/** Errors of a 400 split into those of a rule's field (`rules[i].field`) and the others. */
export function placeErrors(fields: readonly FieldError[]): { byPath: Map<string, string[]>; other: FieldError[] } {
  const byPath = new Map<string, string[]>();
  const other: FieldError[] = [];
  for (const f of fields) {
    const m = /^rules\[(\d+)\]\.([A-Za-z]+)/.exec(f.field);
    if (m) {
      const key = `${m[1]}.${m[2]}`;
      byPath.set(key, [...(byPath.get(key) ?? []), f.message]);
    } else other.push(f);
  }
  return { byPath, other };
}

export function renderRules(ctx: PageContext): void {
  const body = h('div', { attrs: { 'aria-live': 'polite' } });
  ctx.root.append(ctx.title('Rules'), body);
  let current: RuleSet = { rules: [] };

  async function load(): Promise<void> {
    replace(body, notice('loading', 'Loading the rule set…'));
    try {
      current = await api<RuleSet>(apiPath('rules'));
      view();
    } catch (err) {
      replace(
        body,
        isMissing(err)
          ? notice(
              'unavailable',
              'This server has no rules API yet (GET /api/v1/rules answered 404). The processors use PROCESSOR_RULES.',
            )
          : notice('error', `The rule set could not be loaded: ${describeError(err)}`),
      );
    }
  }

  function view(): void {
    const rules = current.rules ?? [];
    replace(
      body,
      h('p', null, `Version ${current.version ?? '—'} · ${rules.length} rule${rules.length === 1 ? '' : 's'}.`),
      can('operator')
        ? button('Edit rules', () => edit(), { 'data-action': 'edit' })
        : h('p', { class: 'muted' }, 'Editing needs an operator token.'),
      rules.length
        ? table(
            ['Name', 'Kind', 'Watches', 'Severity', 'Sensors', 'Clears'],
            rules.map((r) =>
              row(
                String(r.name ?? r.metric ?? '—'),
                String(r.kind ?? 'threshold'),
                r.kind === 'silence'
                  ? `no reading for ${formatValue(r.afterSeconds)} s`
                  : `${r.metric ?? '—'} ${r.comparison ?? '>='} ${formatValue(r.threshold)}, ${formatValue(r.warningsForEvent)} in a row → ${r.type ?? ''}`,
                severityBadge(String(r.severity ?? 'major')),
                Array.isArray(r.sensors) && r.sensors.length ? r.sensors.join(', ') : 'all',
                r.kind === 'silence'
                  ? 'on the next reading'
                  : `past ${formatValue(r.clearThreshold ?? r.threshold)}, after ${formatValue(r.clearAfter ?? 1)}`,
              ),
            ),
            'Rules',
          )
        : notice('empty', 'The rule set is empty: no metric warns.'),
    );
  }

  function edit(): void {
    const blocks: {
      kind: HTMLSelectElement;
      fieldset: HTMLElement;
      read: () => Record<string, unknown>;
      errorsAt: Map<string, HTMLElement>;
    }[] = [];
    const list = h('div', { class: 'rule-blocks' });
    const top = h('div', { attrs: { role: 'alert' } });

    const addBlock = (rule: RuleView) => {
      const kindValue = rule.kind === 'silence' ? 'silence' : 'threshold';
      const kind = select(
        'kind',
        [
          ['threshold', 'threshold'],
          ['silence', 'silence'],
        ],
        kindValue,
      );
      const controls = new Map<string, HTMLInputElement | HTMLSelectElement>();
      const errorsAt = new Map<string, HTMLElement>();
      const fieldset = h('fieldset', { class: 'rule-block' });
      const block = { kind, fieldset, errorsAt, read: () => ({}) as Record<string, unknown> };
      const draw = () => {
        controls.clear();
        errorsAt.clear();
        const index = blocks.indexOf(block);
        const fields = FIELDS[kind.value as 'threshold' | 'silence'];
        const parts = fields.map(([name, label, type]) => {
          const value = rule[name];
          let control: HTMLInputElement | HTMLSelectElement;
          if (type === 'comparison')
            control = select(
              name,
              COMPARISONS.map((c) => [c, c] as const),
              String(value ?? '>='),
            );
          else if (type === 'severity')
            control = select(
              name,
              SEVERITIES.map((s) => [s, s] as const),
              String(value ?? 'major'),
            );
          else
            control = input({
              type: type === 'number' ? 'number' : 'text',
              step: type === 'number' ? 'any' : undefined,
              name,
              value: Array.isArray(value)
                ? value.join(', ')
                : value === undefined || value === null
                  ? ''
                  : String(value),
              spellcheck: false,
              autocomplete: 'off',
            });
          const errorId = `rule-${index}-${name}-error`;
          const error = h('span', { class: 'field-error', attrs: { id: errorId } });
          control.setAttribute('aria-describedby', errorId);
          controls.set(name, control);
          errorsAt.set(name, error);
          return field(label, control, error);
        });
        replace(
          fieldset,
          h('legend', null, `Rule ${index + 1}`),
          field('Kind', kind),
          ...parts,
          button('Remove this rule', () => {
            blocks.splice(blocks.indexOf(block), 1);
            fieldset.remove();
            blocks.forEach((b) => b.fieldset.querySelector('legend')?.replaceChildren(`Rule ${blocks.indexOf(b) + 1}`));
          }),
        );
        errorsAt.set('kind', h('span'));
      };
      block.read = () => {
        const out: Record<string, unknown> = { kind: kind.value };
        for (const [name, , type] of FIELDS[kind.value as 'threshold' | 'silence']) {
          const raw = controls.get(name)?.value.trim() ?? '';
          if (raw === '') continue;
          if (type === 'number') out[name] = Number(raw);
          else if (type === 'list')
            out[name] = raw
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
          else out[name] = raw;
        }
        return out;
      };
      kind.addEventListener('change', draw);
      blocks.push(block);
      draw();
      list.append(fieldset);
    };
    for (const rule of current.rules ?? []) addBlock(rule);

    const save = async (event: SubmitEvent) => {
      event.preventDefault();
      top.replaceChildren();
      for (const b of blocks) for (const el of b.errorsAt.values()) el.textContent = '';
      const rules = blocks.map((b) => b.read());
      try {
        current = await api<RuleSet>(apiPath('rules'), { method: 'PUT', body: { rules } });
        view();
        body.prepend(notice('empty', `Saved: version ${current.version ?? '—'}.`));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const { byPath, other } = placeErrors(err.fields);
        for (const [path, messages] of byPath) {
          const [index, name] = path.split('.');
          const target = blocks[Number(index)]?.errorsAt.get(name);
          if (target) target.textContent = messages.join('; ');
          else other.push({ field: `rules[${index}].${name}`, message: messages.join('; ') });
        }
        top.replaceChildren(
          notice(
            'error',
            err.status === 400
              ? 'The rule set was not saved: see the problems below.'
              : `Not saved: ${describeError(err)}`,
          ),
          ...(other.length ? [h('ul', null, ...other.map((f) => h('li', null, `${f.field}: ${f.message}`)))] : []),
        );
        (fieldsWithErrors()[0] ?? top).scrollIntoView({ block: 'center' });
      }
    };
    const fieldsWithErrors = () => [...body.querySelectorAll<HTMLElement>('.field-error')].filter((e) => e.textContent);

    replace(
      body,
      h(
        'form',
        { class: 'rules-editor', on: { submit: (e) => void save(e) } },
        h(
          'p',
          null,
          `Editing version ${current.version ?? '—'}. Saving replaces the whole rule set; every processor applies it within seconds.`,
        ),
        top,
        list,
        h(
          'div',
          { class: 'actions' },
          button('Add a threshold rule', () => addBlock({ kind: 'threshold' })),
          button('Add a silence rule', () => addBlock({ kind: 'silence' })),
          h('button', { attrs: { type: 'submit', 'data-action': 'save' } }, 'Save the rule set'),
          button('Cancel', () => view()),
        ),
      ),
    );
  }

  void load();
}
