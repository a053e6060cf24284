import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { buildSnippet, snippetCode } from '../../client-snippet/build';

describe('snippetCode()', () => {
  let code: string;

  beforeAll(async () => {
    code = await snippetCode();
  });

  it('is one minified IIFE that parses as a classic script', () => {
    expect(code.replace(/^"use strict";/, '').startsWith('(()=>{')).toBe(true);
    expect(code.trimEnd().endsWith('})();')).toBe(true);
    expect(() => new vm.Script(code)).not.toThrow();
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('loads FingerprintJS with its telemetry off', () => {
    expect(code).toContain('monitoring:!1');
  });

  it('runs without a DOM and without throwing (never throws into the host page)', () => {
    // A bare context: document, navigator and window are all missing.
    expect(() => vm.runInNewContext(code, { console: { warn: () => undefined } })).not.toThrow();
  });
});

describe('buildSnippet()', () => {
  it('writes the bundle to the given file, through a temporary file that does not stay behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeprint-snippet-'));
    try {
      const file = join(dir, 'nested', 'snippet.js');
      expect(await buildSnippet(file)).toBe(file);
      expect(readFileSync(file, 'utf8')).toBe(await snippetCode());
      expect(readdirSync(join(dir, 'nested'))).toEqual(['snippet.js']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
