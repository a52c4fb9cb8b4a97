import type { Infrastructure } from './infrastructure';

export default async function globalTeardown(): Promise<void> {
  const infra = (globalThis as { __METRICS_INFRA__?: Infrastructure }).__METRICS_INFRA__;
  await infra?.stop();
}
