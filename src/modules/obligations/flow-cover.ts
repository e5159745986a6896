import type { IsoDate } from "./dates.ts";

/**
 * Which agreements (data-sharing agreements, processor contracts) cover a data flow in the asset
 * register. The register keeps only flow ids; the flows themselves are read through services.flows.
 */
export interface FlowToCover {
  /** The flow's id in the asset register, to find agreements linked to it. */
  flowId?: string;
  partnerId?: string;
  /** The partner organisation at either end, as the flow records it (by name). */
  partnerName?: string;
  partnerNames?: string[];
  on?: IsoDate;
}

export interface CoverRef {
  id: string;
  reference: string;
  title: string;
  stateLabel: string;
  endDate: IsoDate | null;
}

export interface FlowCoverage {
  /** An agreement in force covers the flow. */
  covered: boolean;
  /** The agreements in force that cover it: those linked to the flow, or else those with its partner. */
  agreements: CoverRef[];
  /** When none covers it: the agreements linked to it or with its partner that have ended. */
  lapsed: CoverRef[];
  /** The agreements linked to the flow, whatever their state. */
  linked: CoverRef[];
}

/**
 * The one rule for both registers: an agreement in force linked to the flow covers it; when none is
 * linked, an agreement in force with the flow's partner does. Ended ones are reported as lapsed.
 */
export function coverageOf<T>(
  items: T[],
  flow: FlowToCover,
  rule: {
    linkedTo(item: T, flowId: string): boolean;
    withPartner(item: T): boolean;
    inForce(item: T): boolean;
    ended(item: T): boolean;
    ref(item: T): CoverRef;
  },
): FlowCoverage {
  const linked = flow.flowId ? items.filter((i) => rule.linkedTo(i, flow.flowId as string)) : [];
  const withPartner = items.filter((i) => rule.withPartner(i));
  const linkedInForce = linked.filter((i) => rule.inForce(i));
  const chosen = linkedInForce.length ? linkedInForce : withPartner.filter((i) => rule.inForce(i));
  const lapsed = chosen.length ? [] : [...new Set([...linked, ...withPartner])].filter(rule.ended);
  return {
    covered: chosen.length > 0,
    agreements: chosen.map(rule.ref),
    lapsed: lapsed.map(rule.ref),
    linked: linked.map(rule.ref),
  };
}

/** Partner names as the flow map records them, compared without case or surrounding spaces. */
export function partnerKeys(flow: FlowToCover): Set<string> {
  return new Set(
    [flow.partnerName, ...(flow.partnerNames ?? [])]
      .filter((n): n is string => !!n?.trim())
      .map((n) => n.trim().toLowerCase()),
  );
}
