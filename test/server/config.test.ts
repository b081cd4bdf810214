/** The configuration file: defaults that run as they are, and errors that name the key. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, ConfigError, defaultConfig, loadConfig } from '../../src/server/config.js';
import { checkRules, loadRules, RulesError } from '../../src/server/simulator/rules.js';

describe('gateway config', () => {
  it('an empty file is the defaults: the simulator upstream, 15 s budget, a store file', () => {
    const c = checkConfig({});
    expect(c).toEqual(defaultConfig());
    expect(c.syncBudgetMs).toBe(15_000);
    expect(c.upstreams[c.partners[c.pas.partner]!.upstream]!.type).toBe('simulator');
  });

  it.each([
    [{ port: 70000 }, 'config port:'],
    [{ syncBudgetMs: 'soon' }, 'config syncBudgetMs:'],
    [{ nonsense: 1 }, 'config nonsense: unknown key'],
    [{ partners: { um: { upstream: 'nowhere' } } }, 'config partners.um.upstream: names no upstream'],
    [{ partners: { um: { sender: 'A*B' } } }, 'config partners.um.sender:'],
    [{ upstreams: { simulator: { type: 'carrier-pigeon' } } }, 'config upstreams.simulator.type:'],
    [{ upstreams: { simulator: { type: 'x12-http', url: 'ftp://x' } } }, 'config upstreams.simulator.url:'],
    [{ upstreams: { simulator: { type: 'simulator', timeoutMs: -1 } } }, 'config upstreams.simulator.timeoutMs:'],
    [{ x12: { partner: 'um' } }, 'config x12.partner: the X12 face needs a partner whose upstream is a PAS FHIR base'],
    [{ validation: { enabled: 'yes' } }, 'config validation.enabled:'],
    [{ tls: { certFile: 'server.pem' } }, 'config tls: needs certFile and keyFile'],
    [{ tls: { certFile: 'a', keyFile: 'b', clientCa: 'c' } }, 'config tls.clientCa: unknown key'],
    [{ auth: { jwksCooldownMs: -5 } }, 'config auth.jwksCooldownMs:'],
  ])('%j is refused naming the key', (raw, message) => {
    expect(() => checkConfig(raw)).toThrow(ConfigError);
    expect(() => checkConfig(raw)).toThrow(message);
  });

  it('loadConfig names the file when it is not JSON', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'x12pas-cfg-')), 'c.json');
    writeFileSync(f, '{ port: 1 }');
    expect(() => loadConfig(f)).toThrow(/c\.json: not JSON/);
  });
});

describe('simulator rules', () => {
  it('the shipped rules load', () => {
    const r = loadRules();
    expect(r.rules.length).toBeGreaterThan(3);
    expect(r.default.decision).toBe('A1');
  });

  it.each([
    [{ rules: [{ when: { colour: ['red'] }, then: { decision: 'A1' } }] }, 'rules[0].when.colour: unknown condition'],
    [{ rules: [{ when: {}, then: { decision: 'A9' } }] }, 'rules[0].then.decision'],
    [{ rules: [{ when: {}, then: { error: { loop: '2010C', reason: '7', action: 'C' } } }] }, 'rules[0].then.error.reason'],
    [{ rules: [{ when: {}, then: {} }] }, 'rules[0].then: needs a decision or an error'],
  ])('%j is refused naming the rule and key', (raw, message) => {
    expect(() => checkRules(raw)).toThrow(RulesError);
    expect(() => checkRules(raw)).toThrow(message);
  });
});

describe('x12pas serve', () => {
  const bin = fileURLToPath(new URL('../../bin/x12pas.js', import.meta.url));
  it('a bad config file: exit 2 and a message naming the key, before anything listens', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'x12pas-cfg-')), 'c.json');
    writeFileSync(f, JSON.stringify({ upstreams: { simulator: { type: 'x12-http', url: 'nowhere' } } }));
    const r = spawnSync(process.execPath, [bin, 'serve', '--config', f], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('config upstreams.simulator.url: must be an http(s) URL');
  });

  it('a bad --port: exit 2', () => {
    const r = spawnSync(process.execPath, [bin, 'serve', '--port', 'eighty'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('port must be an integer');
  });
});
