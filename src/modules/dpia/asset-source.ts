import type { DpiaLinkSource } from "./dpia-service.ts";

/** The little the DPIA module reads from the asset register and the record of processing. */
export interface AssetList {
  list(filter: { pageSize?: number; page?: number }): Promise<{
    items: { id: string; reference: string; name: string; holdsPersonalData?: boolean | null }[];
    pages: number;
  }>;
}
export interface ProcessingList {
  all(): Promise<{ id: string; reference: string; name: string }[]>;
}

export function dpiaLinksFrom(assets: AssetList, processing?: ProcessingList): DpiaLinkSource {
  return {
    async assets() {
      const out: { id: string; name: string; holdsPersonalData: boolean }[] = [];
      for (let page = 1; page <= 20; page++) {
        const result = await assets.list({ pageSize: 500, page });
        for (const a of result.items)
          out.push({
            id: a.id,
            name: `${a.name} (${a.reference})`,
            holdsPersonalData: !!a.holdsPersonalData,
          });
        if (page >= result.pages) break;
      }
      return out;
    },
    async processing() {
      if (!processing) return [];
      return (await processing.all()).map((p) => ({
        id: p.id,
        name: `${p.name} (${p.reference})`,
      }));
    },
  };
}
