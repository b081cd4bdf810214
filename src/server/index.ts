/** The HTTP gateway: PAS face, X12 face, store, upstreams, the built-in UM simulator. */
export { checkConfig, loadConfig, defaultConfig, ConfigError, type GatewayConfig, type PartnerConfig, type UpstreamConfig } from './config.js';
export { createGateway, closeGateway, type Gateway, type GatewayOptions } from './gateway.js';
export { createApp } from './app.js';
export { startGateway, type RunningGateway } from './serve.js';
export { UmSimulator, SimulatorError } from './simulator/simulator.js';
export { loadRules, checkRules, DEFAULT_RULES_FILE, type RuleSet, type Rule } from './simulator/rules.js';
export { startSimulatorServer, simulatorApp } from './simulator/http.js';
export { buildCore, parseCore, PAYLOAD, type CoreMessage } from './core-envelope.js';
export type { BundleValidator } from './validator.js';
