// The OpenAPI documents against the routes the apps really serve: walking the express 5 router
// stacks, every "METHOD path" served must be documented and every documented one served.
import type { Express } from 'express';
import type { Pool } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createApp as createReceiverApp } from '../../receiver/src/app';
import { receiverOpenApi } from '../../receiver/src/openapi';
import { createReceiverMetrics } from '../../receiver/src/receiver-metrics';
import { loadConfig } from '../../shared/src';
import { createApp } from './app';
import { assessorOpenApi } from './openapi';

interface Layer {
  slash?: boolean;
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** "GET /api/v1/sensors/{sensorId}/events" for every route, in nested routers too, express params as OpenAPI ones. */
function servedRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          routes.push(`${method.toUpperCase()} ${prefix}${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, layer.slash ? prefix : `${prefix}${String(layer.rawPath)}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes.sort();
}

function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** Every local $ref of the document points at something that exists. */
function danglingRefs(doc: object): string[] {
  const missing: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const target = value
            .replace(/^#\//, '')
            .split('/')
            .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], doc);
          if (target === undefined) missing.push(value);
        } else {
          visit(value);
        }
      }
    }
  };
  visit(doc);
  return missing;
}

describe('assessor OpenAPI document', () => {
  const app = createApp({
    config: loadConfig({}).assessor,
    pool: { query: async () => ({ rows: [] }) } as unknown as Pool,
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
  });

  it('when compared with the app, then it documents exactly the routes the app serves', () => {
    const served = servedRoutes(app);
    expect(served).toContain('GET /api/v1/sensors/{sensorId}/events');
    expect(served).toContain('GET /health');
    expect(documentedRoutes(assessorOpenApi)).toEqual(served);
  });

  it('when its references are followed, then each one resolves', () => {
    expect(assessorOpenApi.openapi).toMatch(/^3\.0\./);
    expect(danglingRefs(assessorOpenApi)).toEqual([]);
  });
});

describe('receiver OpenAPI document', () => {
  const registry = new Registry();
  const app = createReceiverApp({
    publish: async () => {},
    publishLogs: async () => {},
    checks: {},
    registry,
    metrics: createReceiverMetrics(new Registry(), () => 0),
    logger: pino({ level: 'silent' }),
    config: loadConfig({}).receiver,
  });

  it('when compared with the app, then it documents exactly the routes the app serves', () => {
    const served = servedRoutes(app);
    expect(served).toContain('POST /api/v1/measurements');
    expect(served).toContain('POST /api/v1/sensors/{sensorId}/logs');
    expect(documentedRoutes(receiverOpenApi)).toEqual(served);
  });

  it('when its references are followed, then each one resolves', () => {
    expect(receiverOpenApi.openapi).toMatch(/^3\.0\./);
    expect(danglingRefs(receiverOpenApi)).toEqual([]);
  });
});
