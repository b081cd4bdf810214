import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { buildCore, CoreEnvelopeError, parseCore, PAYLOAD, SOAP_CONTENT_TYPE } from '../core-envelope.js';
import { SimulatorError, type UmSimulator } from './simulator.js';

/**
 * The UM simulator on its own HTTP port, as a remote UM system: POST /x12 takes a raw 278
 * (application/edi-x12) or the CAQH CORE envelope and answers the 278 response the same way.
 */
export function simulatorApp(sim: UmSimulator, onRequest?: (x12: string) => void): Hono {
  const app = new Hono();
  app.post('/x12', async (c) => {
    const text = await c.req.text();
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    try {
      if (type === SOAP_CONTENT_TYPE) {
        const m = parseCore(text);
        onRequest?.(m.payload);
        const answer = sim.respond(m.payload);
        return c.body(buildCore({ kind: 'response', payloadType: PAYLOAD.response278, senderId: m.receiverId, receiverId: m.senderId, payloadId: m.payloadId, payload: answer }), 200, { 'content-type': SOAP_CONTENT_TYPE });
      }
      onRequest?.(text);
      return c.body(sim.respond(text), 200, { 'content-type': 'application/edi-x12' });
    } catch (e) {
      if (e instanceof SimulatorError || e instanceof CoreEnvelopeError) return c.text(`${e.message}\n`, 400);
      throw e;
    }
  });
  return app;
}

/** Starts the simulator's HTTP face on a port (0: a free one). */
export async function startSimulatorServer(sim: UmSimulator, port = 0, onRequest?: (x12: string) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const app = simulatorApp(sim, onRequest);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const p = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${p}/x12`,
    close: () =>
      new Promise<void>((resolve) => {
        sim.close();
        server.close(() => resolve());
      }),
  };
}
