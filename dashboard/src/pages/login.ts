// Sign in with a token: checked against the server before it is kept, so a typo is said at once.
import { describeError } from '../api';
import { field, h, input, notice } from '../dom';
import { learnIdentity } from '../identity';
import type { PageContext } from '../page';
import { setIdentity, storeToken } from '../session';

export function renderLogin(ctx: PageContext): void {
  const reason = sessionStorage.getItem('metrics.dashboard.loginReason');
  sessionStorage.removeItem('metrics.dashboard.loginReason');
  const token = input({
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    required: true,
    spellcheck: false,
  });
  const remember = input({ type: 'checkbox', name: 'remember' });
  const status = h('div', { attrs: { 'aria-live': 'polite' } });
  const form = h(
    'form',
    { class: 'login', on: { submit: (e) => void submit(e) } },
    field('Token', token),
    h('label', { class: 'check' }, remember, ' Remember on this device (otherwise this tab only)'),
    h('button', { attrs: { type: 'submit' } }, 'Sign in'),
    status,
  );

  async function submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const value = token.value.trim();
    if (!value) return;
    status.replaceChildren(notice('loading', 'Checking the token…'));
    try {
      const answer = await learnIdentity(value);
      if ('invalid' in answer) {
        status.replaceChildren(notice('error', answer.reason));
        return;
      }
      storeToken(value, remember.checked);
      setIdentity(answer);
      const after = sessionStorage.getItem('metrics.dashboard.after');
      sessionStorage.removeItem('metrics.dashboard.after');
      location.hash = after && after !== '#/login' ? after : '#/sensors';
      window.dispatchEvent(new Event('metrics:signed-in'));
    } catch (err) {
      status.replaceChildren(notice('error', describeError(err)));
    }
  }

  ctx.root.append(
    ctx.title('Sign in'),
    reason ? notice('error', reason) : '',
    h(
      'p',
      null,
      'Paste an access token (',
      h('code', null, 'make token'),
      ' makes one; ',
      h('code', null, 'make run'),
      ' prints a sign-in link). Without a token the dashboard reads what the server lets anyone read.',
    ),
    form,
  );
}
