// The notifier's settings in shared/src/config.ts: defaults, lists, and errors that never echo a URL.
import { loadConfig } from '../../shared/src';

describe('notifier settings', () => {
  it('defaults: no target, a re-send every minute, the alarms topic', () => {
    const config = loadConfig({});
    expect(config.kafka.alarmsTopic).toBe('metrics.alarms');
    expect(config.notifier).toMatchObject({
      groupId: 'metrics-notifier',
      statusPort: 8084,
      alertmanagerUrl: '',
      alertmanagerResendS: 60,
      webhookUrls: [],
      newTargetStart: 'latest',
    });
  });

  it('takes a comma-separated list of webhook URLs', () => {
    const config = loadConfig({ ALERT_WEBHOOK_URLS: 'http://a.example/x,https://b.example/y' });
    expect(config.notifier.webhookUrls).toEqual(['http://a.example/x', 'https://b.example/y']);
  });

  it.each([
    ['ALERTMANAGER_URL', 'notifier.alertmanagerUrl', 'ftp://alice:s3cr3t@am.example'],
    ['ALERT_WEBHOOK_URLS', 'notifier.webhookUrls', 'https://hooks.example/s3cr3t,not a url s3cr3t'],
  ])('when %s is not an http(s) URL, then start-up fails without echoing the URL', (env, key, value) => {
    let message = '';
    try {
      loadConfig({ [env]: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(key);
    expect(message).not.toContain('s3cr3t');
  });
});
