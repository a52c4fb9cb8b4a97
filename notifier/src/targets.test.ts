import { notificationTargets, urlHash } from './targets';

describe('notificationTargets', () => {
  it('when nothing is configured, then there is no target', () => {
    expect(notificationTargets({ groupId: 'g', alertmanagerUrl: '', webhookUrls: [] })).toEqual([]);
  });

  it('names each target and gives it a stable group of its own, without its URL', () => {
    const targets = notificationTargets({
      groupId: 'metrics-notifier',
      alertmanagerUrl: 'http://127.0.0.1:9193/',
      webhookUrls: [' https://hooks.example/T0KEN ', 'http://127.0.0.1:5001/hook', 'https://hooks.example/T0KEN'],
    });
    expect(targets.map((t) => [t.kind, t.name, t.groupId, t.url, t.host])).toEqual([
      [
        'alertmanager',
        'alertmanager',
        `metrics-notifier-alertmanager-${urlHash('http://127.0.0.1:9193/')}`,
        'http://127.0.0.1:9193/api/v2/alerts',
        '127.0.0.1:9193',
      ],
      [
        'webhook',
        `webhook-${urlHash('https://hooks.example/T0KEN')}`,
        `metrics-notifier-webhook-${urlHash('https://hooks.example/T0KEN')}`,
        'https://hooks.example/T0KEN',
        'hooks.example',
      ],
      [
        'webhook',
        `webhook-${urlHash('http://127.0.0.1:5001/hook')}`,
        `metrics-notifier-webhook-${urlHash('http://127.0.0.1:5001/hook')}`,
        'http://127.0.0.1:5001/hook',
        '127.0.0.1:5001',
      ],
    ]);
    for (const t of targets) expect(`${t.name} ${t.groupId}`).not.toContain('T0KEN');
    expect(urlHash('http://x/')).toMatch(/^[0-9a-f]{10}$/);
  });

  it('when a URL holds a user and password, then they become a Basic Authorization header and leave the URL', () => {
    const [am] = notificationTargets({
      groupId: 'g',
      alertmanagerUrl: 'https://alice:s%40cret@am.example/prefix/',
      webhookUrls: [],
    });
    expect(am.url).toBe('https://am.example/prefix/api/v2/alerts');
    expect(am.authorization).toBe(`Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
    expect(am.host).toBe('am.example');
  });
});
