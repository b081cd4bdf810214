import type { Ledger } from '../engine/ledger.js';
import { isObj } from '../engine/obj.js';

type Obj = Record<string, unknown>;


/** A finding about an item's charge, in disassemble.ts's terms. */
export interface ChargeProblem {
  readonly severity: 'warning';
  readonly code: 'LOSSY_VALUE';
  readonly message: string;
  readonly path?: string;
}

/**
 * `Claim.item.unitPrice` -> the line charge X12 holds (SV102 / SV203, the charge for all the
 * line's units, which the rows write from `item.net`). An item with a unit price and no `net` is
 * given the net FHIR defines (quantity x unitPrice x factor; quantity 1 when absent), in US dollars
 * as the rows write it, to the cent: a copy of the item, and a `LOSSY_VALUE` finding, since the
 * 278 gives back a line charge (`net`), not a unit price. An item that has `net` keeps it; its
 * unit price is then left to the ledger (reported `NOT_WRITTEN`).
 */
export function withCharge(item: Obj, at: string | undefined, ledger: Ledger | undefined, problems: { push(p: ChargeProblem): unknown }): Obj {
  const price = item.unitPrice;
  if (!isObj(price) || typeof price.value !== 'number' || item.net !== undefined) return item;
  if (price.currency !== undefined && price.currency !== 'USD') return item;
  const quantity = isObj(item.quantity) && typeof item.quantity.value === 'number' ? item.quantity.value : 1;
  const factor = typeof item.factor === 'number' ? item.factor : 1;
  const value = Math.round(price.value * quantity * factor * 100) / 100;
  const copy = { ...item, net: { value, currency: 'USD' } };
  ledger?.copyOf(copy, item);
  // Carried, as the line charge: the finding names what comes back instead. A factor, folded into
  // the charge too, does not come back at all: left to the ledger (reported with its own path).
  ledger?.all(price);
  problems.push({
    severity: 'warning',
    code: 'LOSSY_VALUE',
    message: `item unitPrice ${price.value}: written as the line charge (SV102/SV203) ${value} = unit price x quantity${typeof item.factor === 'number' ? ' x factor' : ''}; it reads back as item.net`,
    ...(at !== undefined ? { path: `${at}.unitPrice` } : {}),
  });
  return copy;
}
