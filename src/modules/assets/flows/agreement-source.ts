import type { AuditContext } from "../../../platform/audit/audit-service.ts";
import { UUID } from "../../../platform/db/ids.ts";

/** The two kinds of agreement in the obligations registers that can cover a flow. */
export type AgreementKind = "agreement" | "contract";

/** A data-sharing agreement or processor contract as the flow map shows it. */
export interface AgreementRef {
  kind: AgreementKind;
  id: string;
  reference: string;
  title: string;
  href: string;
  stateLabel: string;
  endDate: string | null;
}

export interface AgreementChoice extends AgreementRef {
  /** In force today. */
  current: boolean;
  partners: string;
}

/** Which agreements cover a flow: in force, lapsed, and linked to it whatever their state. */
export interface AgreementCover {
  covering: AgreementRef[];
  lapsed: AgreementRef[];
  linked: AgreementRef[];
}

/** What the flow map needs from the sharing register and the processor register. */
export interface AgreementRegister {
  cover(flows: { flowId: string; partnerNames: string[] }[]): Promise<AgreementCover[]>;
  choices(): Promise<AgreementChoice[]>;
  link(
    ctx: AuditContext,
    flow: { id: string; reference: string },
    choice: { kind: AgreementKind; id: string },
    linked: boolean,
  ): Promise<void>;
}

interface Ref {
  id: string;
  reference: string;
  title: string;
  stateLabel: string;
  endDate: string | null;
}
interface Coverage {
  agreements: Ref[];
  lapsed: Ref[];
  linked: Ref[];
}
interface FlowQuery {
  flowId: string;
  partnerNames: string[];
}

/** The little the flow map reads from services.sharing. */
export interface SharingRegister {
  coverFlows(flows: FlowQuery[]): Promise<Coverage[]>;
  agreements(): Promise<
    {
      id: string;
      reference: string;
      title: string;
      state: string;
      stateLabel: string;
      startDate: string;
      endDate: string | null;
      status: string;
      partners: { name: string }[];
    }[]
  >;
  linkFlow(
    ctx: AuditContext,
    id: string,
    flow: { id: string; reference: string },
    linked: boolean,
  ): Promise<void>;
}

/** The little the flow map reads from services.processors. */
export interface ProcessorRegister {
  coverFlows(flows: FlowQuery[]): Promise<Coverage[]>;
  list(): Promise<
    {
      id: string;
      name: string;
      contractReference: string | null;
      contractStart: string | null;
      contractEnd: string | null;
    }[]
  >;
  linkFlow(
    ctx: AuditContext,
    id: string,
    flow: { id: string; reference: string },
    linked: boolean,
  ): Promise<void>;
}

const hrefOf = (kind: AgreementKind, id: string) =>
  kind === "agreement" ? `/obligations/sharing/agreements/${id}` : `/obligations/processors/${id}`;

const tag =
  (kind: AgreementKind) =>
  (r: Ref): AgreementRef => ({ ...r, kind, href: hrefOf(kind, r.id) });

/** Connects the flow map to the sharing and processor registers (built in platform/services.ts). */
export function flowAgreementsFrom(
  sharing: SharingRegister,
  processors: ProcessorRegister,
): AgreementRegister {
  return {
    async cover(flows) {
      if (!flows.length) return [];
      const [a, c] = await Promise.all([sharing.coverFlows(flows), processors.coverFlows(flows)]);
      return flows.map((_, i) => ({
        covering: [
          ...a[i].agreements.map(tag("agreement")),
          ...c[i].agreements.map(tag("contract")),
        ],
        lapsed: [...a[i].lapsed.map(tag("agreement")), ...c[i].lapsed.map(tag("contract"))],
        linked: [...a[i].linked.map(tag("agreement")), ...c[i].linked.map(tag("contract"))],
      }));
    },
    async choices() {
      const today = new Date().toISOString().slice(0, 10);
      const [agreements, contracts] = await Promise.all([sharing.agreements(), processors.list()]);
      return [
        ...agreements
          .filter((a) => a.state !== "terminated")
          .map((a) => ({
            kind: "agreement" as const,
            id: a.id,
            reference: a.reference,
            title: a.title,
            href: hrefOf("agreement", a.id),
            stateLabel: a.stateLabel,
            endDate: a.endDate,
            current:
              a.status === "active" && a.startDate <= today && (!a.endDate || a.endDate >= today),
            partners: a.partners.map((p) => p.name).join(", "),
          })),
        ...contracts.map((p) => {
          const current =
            (!p.contractStart || p.contractStart <= today) &&
            (!p.contractEnd || p.contractEnd >= today);
          return {
            kind: "contract" as const,
            id: p.id,
            reference: p.contractReference ?? p.name,
            title: p.name,
            href: hrefOf("contract", p.id),
            stateLabel: current
              ? "Current"
              : p.contractEnd && p.contractEnd < today
                ? "Ended"
                : "Not started",
            endDate: p.contractEnd,
            current,
            partners: p.name,
          };
        }),
      ];
    },
    async link(ctx, flow, choice, linked) {
      if (!UUID.test(choice.id)) throw new Error("not an agreement id");
      if (choice.kind === "agreement") await sharing.linkFlow(ctx, choice.id, flow, linked);
      else await processors.linkFlow(ctx, choice.id, flow, linked);
    },
  };
}
