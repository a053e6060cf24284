import { createBaseRuntime } from '../../../../layers/core/src/compose/base';
import { createEndpointRuntime } from '../../../../layers/core/src/compose/endpoint';
import { fromEnvironment } from '../../../../layers/core/src/compose/environment';
import { createVisitRuntime } from '../../../../layers/core/src/compose/visit';
import { loadConfig } from '../../../../layers/core/src/config';
import { resetRuntimeForTests } from '../../../../layers/core/src/runtime';

// Builders only: nothing here sends a request (no table or queue is called).
const BASE = { EDGEPRINT_TABLE: 'edgeprint-test', EDGEPRINT_SECRET: 'a-secret-of-sixteen-chars', EDGEPRINT_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' };

describe('composition roots', () => {
  it('createEndpointRuntime() builds only config and logger', () => {
    expect(Object.keys(createEndpointRuntime(loadConfig(BASE))).sort()).toEqual(['config', 'logger']);
  });

  it('createBaseRuntime() builds the store and drop counters, and no publisher, users or tokens', () => {
    expect(Object.keys(createBaseRuntime(loadConfig(BASE))).sort()).toEqual(['config', 'drops', 'logger', 'newEventId', 'now', 'store', 'table']);
  });

  it('createVisitRuntime() adds cookieless sessions only in cookieless mode, and no queue client (the stream carries what it stores)', () => {
    const cookie = createVisitRuntime(loadConfig(BASE));
    expect(Object.keys(cookie).sort()).toEqual(['config', 'cookieless', 'drops', 'logger', 'newEventId', 'now', 'store', 'table']);
    expect(cookie.cookieless).toBeUndefined();
    expect('users' in cookie || 'tokens' in cookie).toBe(false);
    expect(createVisitRuntime(loadConfig({ ...BASE, EDGEPRINT_PRIVACY_MODE: 'cookieless' })).cookieless).toBeDefined();
  });

  it('keeps overrides (tests inject a clock and ids)', () => {
    const now = () => new Date('2026-01-01T00:00:00Z');
    expect(createVisitRuntime(loadConfig(BASE), { now }).now()).toEqual(now());
  });
});

describe('fromEnvironment()', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetRuntimeForTests();
  });

  it('builds once per cold start, and again after resetRuntimeForTests()', async () => {
    Object.assign(process.env, BASE);
    let builds = 0;
    const get = fromEnvironment((config) => ({ config, build: ++builds }));
    const first = await get();
    expect(await get()).toBe(first);
    resetRuntimeForTests();
    expect((await get()).build).toBe(2);
  });

  it('does not cache a failed start: the next call reads the environment again', async () => {
    delete process.env.EDGEPRINT_TABLE;
    Object.assign(process.env, { EDGEPRINT_SECRET: BASE.EDGEPRINT_SECRET });
    const get = fromEnvironment((config) => config.tableName);
    await expect(get()).rejects.toThrow(/EDGEPRINT_TABLE/);
    process.env.EDGEPRINT_TABLE = 'edgeprint-later';
    await expect(get()).resolves.toBe('edgeprint-later');
  });
});
