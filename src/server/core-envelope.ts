import { randomUUID } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/**
 * The CAQH CORE connectivity envelope (SOAP 1.2, real-time): a COREEnvelopeRealTimeRequest or
 * ...Response in the SOAP body, the X12 as its Payload. Built and read with fast-xml-parser.
 */
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const CORE_NS = 'http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd';
export const SOAP_CONTENT_TYPE = 'application/soap+xml';

export const PAYLOAD = {
  request278: 'X12_278_Request_005010X217E1_2',
  response278: 'X12_278_Response_005010X217E1_2',
  ack999: 'X12_999_Response_005010X231A1',
  ta1: 'X12_TA1_Response_00501X231A1',
} as const;

export interface CoreMessage {
  kind: 'request' | 'response';
  payloadType: string;
  processingMode: string;
  payloadId: string;
  timeStamp: string;
  senderId: string;
  receiverId: string;
  coreRuleVersion: string;
  payload: string;
  errorCode?: string;
  errorMessage?: string;
}

export class CoreEnvelopeError extends Error {}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: false, suppressEmptyNode: false, processEntities: true });
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // Entities could grow a small document without end: none but the five XML ones are read.
  htmlEntities: false,
});

/** A CORE real-time message as SOAP 1.2 XML. */
export function buildCore(m: Omit<CoreMessage, 'processingMode' | 'payloadId' | 'timeStamp' | 'coreRuleVersion'> & Partial<CoreMessage>): string {
  const tag = m.kind === 'request' ? 'cor:COREEnvelopeRealTimeRequest' : 'cor:COREEnvelopeRealTimeResponse';
  const body: Record<string, string> = {
    PayloadType: m.payloadType,
    ProcessingMode: m.processingMode ?? 'RealTime',
    PayloadID: m.payloadId ?? randomUUID(),
    TimeStamp: m.timeStamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    SenderID: m.senderId,
    ReceiverID: m.receiverId,
    CORERuleVersion: m.coreRuleVersion ?? '2.2.0',
    Payload: m.payload,
  };
  if (m.kind === 'response') {
    body.ErrorCode = m.errorCode ?? 'Success';
    body.ErrorMessage = m.errorMessage ?? 'None';
  }
  const doc = {
    'soapenv:Envelope': {
      '@xmlns:soapenv': SOAP12_NS,
      '@xmlns:cor': CORE_NS,
      'soapenv:Header': '',
      'soapenv:Body': { [tag]: body },
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(doc) as string}`;
}

/** Reads a CORE real-time request or response; throws CoreEnvelopeError naming what is missing. */
export function parseCore(xml: string): CoreMessage {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new CoreEnvelopeError('document type declarations are not accepted');
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (e) {
    throw new CoreEnvelopeError(`not XML: ${(e as Error).message}`);
  }
  const env = doc.Envelope as Record<string, unknown> | undefined;
  if (typeof env !== 'object' || env === null) throw new CoreEnvelopeError('no SOAP Envelope');
  const bodyEl = env.Body as Record<string, unknown> | undefined;
  if (typeof bodyEl !== 'object' || bodyEl === null) throw new CoreEnvelopeError('no SOAP Body');
  const req = bodyEl.COREEnvelopeRealTimeRequest as Record<string, unknown> | undefined;
  const res = bodyEl.COREEnvelopeRealTimeResponse as Record<string, unknown> | undefined;
  const el = req ?? res;
  if (typeof el !== 'object' || el === null) throw new CoreEnvelopeError('no COREEnvelopeRealTimeRequest or COREEnvelopeRealTimeResponse in the Body');
  const field = (name: string, required = true): string => {
    const v = el[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (required) throw new CoreEnvelopeError(`the envelope has no ${name}`);
    return '';
  };
  const m: CoreMessage = {
    kind: req !== undefined ? 'request' : 'response',
    payloadType: field('PayloadType'),
    processingMode: field('ProcessingMode'),
    payloadId: field('PayloadID'),
    timeStamp: field('TimeStamp', false),
    senderId: field('SenderID'),
    receiverId: field('ReceiverID'),
    coreRuleVersion: field('CORERuleVersion', false),
    payload: field('Payload', false),
  };
  if (res !== undefined) {
    m.errorCode = field('ErrorCode', false);
    m.errorMessage = field('ErrorMessage', false);
  }
  return m;
}
