import { parseArgs } from 'node:util';
import { ConfigError, defaultConfig, loadConfig } from '../server/config.js';
import { startGateway } from '../server/serve.js';
import { RulesError } from '../server/simulator/rules.js';
import { SealerError } from '../store/sealer.js';
import { EXIT_OK, UsageError } from './output.js';

export const SERVE_HELP = `Usage: x12pas serve [--port N] [--config FILE]

Runs the gateway: PAS bases /fhir/2.2.1 and /fhir/2.0.1 (Claim/$submit, Claim/$inquire,
metadata), the X12 face POST /x12/278 (raw 278 or the CAQH CORE SOAP envelope), /healthz and
/metrics. With no config file it stores to ./x12pas-gateway.db and answers through the built-in
UM simulator (mappings/simulator/rules.json).

Every PAS and X12 endpoint asks for a SMART Backend Services access token (POST /auth/token;
clients are registered with 'x12pas clients add'), unless auth.required is false in the config
or --no-auth is given.

Options:
  --port N        port to listen on (default: $PORT, else the config's port, else 8080)
  --no-auth       no tokens asked: for a local trial only, never with real data
  --config FILE   JSON configuration (see docs/gateway.md)
  -h, --help      this text
`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { port: { type: 'string' }, config: { type: 'string' }, 'no-auth': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError('serve takes no FILE');
  let config;
  try {
    config = values.config !== undefined ? loadConfig(values.config) : defaultConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (values['no-auth'] === true) config.auth.required = false;
  const portText = values.port ?? process.env.PORT;
  if (portText !== undefined) {
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`port must be an integer from 0 to 65535, got ${JSON.stringify(portText)}`);
    config.port = port;
  }
  let running;
  try {
    running = await startGateway(config);
  } catch (e) {
    if (e instanceof RulesError || e instanceof SealerError) throw new UsageError(e.message);
    throw e;
  }
  if (!config.auth.required) process.stderr.write('x12pas serve: --no-auth: every caller is let in without a token (local trial only)\n');
  process.stderr.write(`x12pas serve: listening on ${running.url} (PAS: ${running.url}/fhir/2.2.1, ${running.url}/fhir/2.0.1; X12: ${running.url}/x12/278)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return EXIT_OK;
}
