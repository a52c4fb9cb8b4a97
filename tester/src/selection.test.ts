import { selectTests } from './selection';

const all = [{ name: 'bad-input' }, { name: 'batch' }, { name: 'full' }];

describe('selectTests', () => {
  it('when no names are given, then every test is selected in discovery order', () => {
    expect(selectTests(all, undefined)).toEqual({ ok: true, tests: all });
  });

  it('when names are given, then those tests run in the order named, once each', () => {
    expect(selectTests(all, ['full', 'batch', 'full'])).toEqual({
      ok: true,
      tests: [{ name: 'full' }, { name: 'batch' }],
    });
  });

  it('when a name is unknown, then the selection fails naming every unknown name once', () => {
    expect(selectTests(all, ['full', 'ful', 'nope', 'ful'])).toEqual({ ok: false, unknown: ['ful', 'nope'] });
  });
});
