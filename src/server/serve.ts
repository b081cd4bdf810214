import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { GatewayConfig } from './config.js';
import { createApp } from './app.js';
import { closeGateway, createGateway, type Gateway, type GatewayOptions } from './gateway.js';

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the gateway and listens; `port` 0 takes a free one. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const gateway = createGateway(config, options);
  const app = createApp(gateway);
  const server = await new Promise<ServerType>((resolve, reject) => {
    // Slow clients are cut off: headers within headersTimeoutMs, the whole request within requestTimeoutMs (408).
    const interval = Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4)));
    const limits = { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: interval };
    const tls = config.tls;
    const s =
      tls === null
        ? serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: limits }, () => resolve(s))
        : serve(
            {
              fetch: app.fetch,
              port: config.port,
              hostname: config.host,
              createServer: createHttpsServer,
              // Client certificates are asked for, not required: a client registered for mutual TLS is checked by the guard; others may come without one.
              serverOptions: {
                ...limits,
                cert: readFileSync(tls.certFile),
                key: readFileSync(tls.keyFile),
                ...(tls.clientCaFile !== null ? { ca: readFileSync(tls.clientCaFile), requestCert: true, rejectUnauthorized: false } : {}),
              },
            },
            () => resolve(s),
          );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  gateway.log.info('listening', { port, store: config.store, upstream: gateway.umPartner.upstream.name, validation: gateway.validationOff === null });
  return {
    gateway,
    port,
    url: `${config.tls === null ? 'http' : 'https'}://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeGateway(gateway);
    },
  };
}
