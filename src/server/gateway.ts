import type { GatewayConfig, PartnerConfig } from './config.js';
import { jsonLogger, type Logger } from './log.js';
import { GatewayMetrics } from './metrics.js';
import { loadRules } from './simulator/rules.js';
import { UmSimulator } from './simulator/simulator.js';
import { PasFhirUpstream } from './upstream/pas-fhir.js';
import { SimulatorUpstream } from './upstream/simulator.js';
import type { PasUpstream, X12Upstream } from './upstream/types.js';
import { X12HttpUpstream } from './upstream/x12-http.js';
import { defaultValidator, type BundleValidator } from './validator.js';
import { SqliteStore } from '../store/sqlite.js';
import { parseKey, Sealer } from '../store/sealer.js';
import { readFileSync } from 'node:fs';
import type { GatewayStore } from '../store/types.js';
import type { HttpAnswer } from './outcome.js';
import { DeliveryWorker } from './subscriptions/worker.js';

/** Everything a handler needs: config, store, upstreams, validator, logs and metrics. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly store: GatewayStore;
  readonly log: Logger;
  readonly metrics: GatewayMetrics;
  /** Null when validation is off (`validationOff` says why). */
  readonly validate: BundleValidator | null;
  readonly validationOff: string | null;
  /** The partner the PAS face writes to, and its upstream. */
  readonly umPartner: { name: string; config: PartnerConfig; upstream: X12Upstream };
  /** The PAS base the X12 face calls; null: this gateway's own PAS face (in process). */
  readonly pasUpstream: PasUpstream | null;
  /** The built-in simulators, by upstream name. */
  readonly simulators: Map<string, UmSimulator>;
  /** Submissions being answered by this process (a concurrent retry waits for the same answer). */
  readonly inflight: Map<number, Promise<HttpAnswer>>;
  /** Background work (answers arriving after the sync budget); awaited on close. */
  readonly background: Set<Promise<unknown>>;
  /** Sends queued subscription notifications. */
  readonly deliveries: DeliveryWorker;
  /** Set by the app: where unsolicited 278 responses go. */
  onUnsolicited: (x12: string, from: string) => Promise<void>;
}

export interface GatewayOptions {
  /** Replaces the default validator (the package cache `x12pas validate` uses); null turns it off. */
  validator?: BundleValidator | null;
  log?: Logger;
  store?: GatewayStore;
}

export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const log = options.log ?? jsonLogger(config.log.level);
  const metrics = new GatewayMetrics();
  const sealer = sealerOf(config);
  if (sealer === null && options.store === undefined) log.warn('store not encrypted', { reason: 'no key (encryption.keyFile, or the variable named by encryption.keyEnv)' });
  const store = options.store ?? new SqliteStore(config.store, { sealer });
  let validate: BundleValidator | null;
  let validationOff: string | null = null;
  if (options.validator !== undefined) {
    validate = options.validator;
    if (validate === null) validationOff = 'turned off by the caller';
  } else if (!config.validation.enabled) {
    validate = null;
    validationOff = 'turned off in the configuration (validation.enabled)';
  } else {
    const v = defaultValidator(config.validation.packages);
    validate = v.validate;
    validationOff = v.off;
  }
  if (validationOff !== null) log.warn('validation off', { reason: validationOff });

  const simulators = new Map<string, UmSimulator>();
  const partnerName = config.pas.partner;
  const partner = config.partners[partnerName]!;
  const upConfig = config.upstreams[partner.upstream]!;
  let upstream: X12Upstream;
  if (upConfig.type === 'simulator') {
    const sim = new UmSimulator({
      rules: loadRules(upConfig.rules ?? undefined),
      // The gateway is made below; the simulator delivers only later, once it is.
      deliver: (x12) => g.onUnsolicited(x12, partner.upstream),
      onDeliveryError: (e) => log.error('simulator delivery failed', { error: (e as Error).message }),
    });
    simulators.set(partner.upstream, sim);
    upstream = new SimulatorUpstream(partner.upstream, sim, upConfig, upConfig.latencyMs);
  } else if (upConfig.type === 'x12-http') {
    upstream = new X12HttpUpstream(partner.upstream, upConfig.url, upConfig.envelope, upConfig, { sender: partner.sender, receiver: partner.receiver });
  } else {
    throw new Error(`pas.partner ${partnerName}: its upstream is not X12`);
  }
  let pasUpstream: PasUpstream | null = null;
  if (config.x12.partner !== null) {
    const p = config.partners[config.x12.partner]!;
    const u = config.upstreams[p.upstream]!;
    if (u.type === 'pas-fhir') pasUpstream = new PasFhirUpstream(p.upstream, u.url, u.pasVersion, u);
  }
  const g: Gateway = {
    config,
    store,
    log,
    metrics,
    validate,
    validationOff,
    umPartner: { name: partnerName, config: partner, upstream },
    pasUpstream,
    simulators,
    inflight: new Map(),
    background: new Set(),
    deliveries: new DeliveryWorker(store, config.subscriptions, log, metrics),
    onUnsolicited: async () => {},
  };
  metrics.addGauge('x12pas_pended_items', 'Items whose current decision is pended (A4)', () => store.stats().pendedItems);
  metrics.addGauge('x12pas_store_submissions', 'Submissions in the store', () => store.stats().submissions);
  metrics.addGauge('x12pas_store_bytes', 'Size of the store files in bytes', () => store.stats().bytes);
  metrics.addGauge('x12pas_notifications_queued', 'Subscription notifications waiting to be delivered', () => store.queuedDeliveries());
  g.deliveries.start();
  return g;
}

/**
 * The store's sealer from the configured keys (one per line: the first seals, all open), or null
 * when no key is configured. A key file that cannot be read or a malformed key is an error.
 */
export function sealerOf(config: GatewayConfig): Sealer | null {
  const e = config.encryption;
  let text: string | undefined;
  let where: string;
  if (e.keyFile !== null) {
    where = `encryption.keyFile ${e.keyFile}`;
    text = readFileSync(e.keyFile, 'utf8');
  } else if (e.keyEnv !== null && process.env[e.keyEnv] !== undefined && process.env[e.keyEnv] !== '') {
    where = `$${e.keyEnv}`;
    text = process.env[e.keyEnv];
  } else return null;
  const keys = (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => parseKey(l, where));
  return new Sealer(keys);
}

/** Waits for background work, stops timers and closes the store. */
export async function closeGateway(g: Gateway): Promise<void> {
  for (const s of g.simulators.values()) s.close();
  g.umPartner.upstream.close();
  g.pasUpstream?.close();
  await Promise.allSettled([...g.background]);
  await g.deliveries.stop();
  g.store.close();
}
