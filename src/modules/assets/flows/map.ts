import type { MapData } from "./flows-service.ts";

/**
 * Lays out the map of data flows for a server-rendered SVG: council assets and services in a column on
 * the left, grouped by service area; partner organisations on the right. Flows inside the council arc
 * out to the left, flows between partners to the right. Beyond MAX_NODES endpoints, assets are drawn as
 * their service areas so the picture stays readable (the table beside it lists every flow).
 */
export const MAX_NODES = 120;

export interface MapNode {
  key: string;
  label: string;
  side: "council" | "partner";
  group: string;
  /** The node stands for several assets of one service area. */
  grouped: boolean;
  outsideUk: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
  href?: string;
}

export interface MapEdge {
  from: string;
  to: string;
  count: number;
  atRisk: boolean;
  /** How many of its flows need an agreement or contract and have none; how many only an ended one. */
  notCovered: number;
  expired: number;
  /** Said on the line, so the drawing does not rely on colour: "No agreement", "Agreement expired". */
  coverText: string;
  special: boolean;
  personal: boolean;
  strokeWidth: number;
  path: string;
  labelX: number;
  labelY: number;
}

export interface FlowMap {
  width: number;
  height: number;
  nodes: MapNode[];
  edges: MapEdge[];
  grouped: boolean;
  groups: { title: string; y: number }[];
}

const WIDTH = 1000;
const NODE_W = 300;
const NODE_H = 30;
const GAP = 8;
const GROUP_GAP = 30;
const COUNCIL_X = 150;
const PARTNER_X = WIDTH - 150 - NODE_W;
const TOP = 40;

export function truncate(label: string, max = 38): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** What the line says about agreements: "No agreement", "Agreement expired", or both with counts. */
export function coverText(e: { count: number; notCovered: number; expired: number }): string {
  const part = (n: number, text: string) =>
    n === 0 ? "" : e.count > 1 ? `${n} ${text.toLowerCase()}` : text;
  return [part(e.notCovered, "No agreement"), part(e.expired, "Agreement expired")]
    .filter(Boolean)
    .join(", ");
}

export function layoutFlows(data: MapData, options: { focusServiceName?: string } = {}): FlowMap {
  const { grouped } = data;
  const nodes = new Map<string, MapNode>();
  const edges: Omit<MapEdge, "path" | "labelX" | "labelY" | "strokeWidth" | "coverText">[] = [];
  for (const link of data.links) {
    for (const e of [link.from, link.to])
      if (!nodes.has(e.key))
        nodes.set(e.key, {
          ...e,
          grouped: grouped && e.side === "council",
          outsideUk: false,
          x: 0,
          y: 0,
          width: NODE_W,
          height: NODE_H,
        });
    if (link.leavesUk && link.to.side === "partner")
      (nodes.get(link.to.key) as MapNode).outsideUk = true;
    edges.push({
      from: link.from.key,
      to: link.to.key,
      count: link.count,
      atRisk: link.atRisk > 0,
      notCovered: link.notCovered,
      expired: link.expired,
      special: link.special,
      personal: link.personal,
    });
  }

  // Council nodes by service area (the focused one first), then by name; partners by name.
  const focus = options.focusServiceName;
  const council = [...nodes.values()]
    .filter((n) => n.side === "council")
    .sort(
      (x, y) =>
        Number(y.group === focus) - Number(x.group === focus) ||
        x.group.localeCompare(y.group) ||
        x.label.localeCompare(y.label),
    );
  const partners = [...nodes.values()]
    .filter((n) => n.side === "partner")
    .sort((x, y) => Number(x.outsideUk) - Number(y.outsideUk) || x.label.localeCompare(y.label));

  const groups: { title: string; y: number }[] = [];
  let y = TOP;
  let lastGroup = "";
  for (const n of council) {
    if (!grouped && n.group !== lastGroup) {
      if (lastGroup) y += GROUP_GAP - GAP;
      groups.push({ title: n.group, y: y + 2 });
      y += 22;
      lastGroup = n.group;
    }
    n.x = COUNCIL_X;
    n.y = y;
    if (n.grouped) {
      const count = data.members.get(n.key) ?? 0;
      n.label = `${n.label} (${count} asset${count === 1 ? "" : "s"})`;
    }
    y += NODE_H + GAP;
  }
  const councilBottom = y;
  y = TOP + 22;
  for (const n of partners) {
    n.x = PARTNER_X;
    n.y = y;
    y += NODE_H + GAP;
  }
  const height = Math.max(councilBottom, y) + 20;

  const laid: MapEdge[] = [];
  for (const e of edges) {
    const a = nodes.get(e.from) as MapNode;
    const b = nodes.get(e.to) as MapNode;
    const ay = a.y + NODE_H / 2;
    const by = b.y + NODE_H / 2;
    let path: string;
    let labelX: number;
    let labelY: number;
    if (a === b) {
      // A flow within one grouped service: a small loop on its left.
      path = `M ${a.x} ${ay - 6} C ${a.x - 40} ${ay - 30}, ${a.x - 40} ${ay + 30}, ${a.x} ${ay + 6}`;
      labelX = a.x - 36;
      labelY = ay;
    } else if (a.side === b.side) {
      const left = a.side === "council";
      const edgeX = left ? a.x : a.x + NODE_W;
      const bulge = Math.min(140, 20 + Math.abs(by - ay) / 4);
      const cx = left ? edgeX - bulge : edgeX + bulge;
      path = `M ${edgeX} ${ay} C ${cx} ${ay}, ${cx} ${by}, ${edgeX} ${by}`;
      labelX = left ? edgeX - bulge * 0.75 : edgeX + bulge * 0.75;
      labelY = (ay + by) / 2;
    } else {
      const ax = a.side === "council" ? a.x + NODE_W : a.x;
      const bx = b.side === "council" ? b.x + NODE_W : b.x;
      const mid = (ax + bx) / 2;
      path = `M ${ax} ${ay} C ${mid} ${ay}, ${mid} ${by}, ${bx} ${by}`;
      labelX = mid;
      labelY = (ay + by) / 2;
    }
    const strokeWidth = e.atRisk ? 3 : Math.min(6, 2 + Math.floor(e.count / 20));
    laid.push({ ...e, strokeWidth, path, labelX, labelY, coverText: coverText(e) });
  }
  // Ordinary flows first, so the ones at risk are drawn on top.
  laid.sort((x, y2) => Number(x.atRisk) - Number(y2.atRisk));
  return {
    width: WIDTH,
    height,
    nodes: [...nodes.values()].map((n) => ({ ...n, label: truncate(n.label) })),
    edges: laid,
    grouped,
    groups,
  };
}
