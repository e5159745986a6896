import type { BreachAsset, BreachAssetSource } from "./breaches-service.ts";

/** The little the breach module reads from the asset register (services.assets). */
export interface AssetRegister {
  list(filter: { holdsPersonalData?: boolean; pageSize?: number; page?: number }): Promise<{
    items: {
      id: string;
      reference: string;
      name: string;
      personalDataCategories?: readonly string[] | null;
      dataSubjectCategories?: readonly string[] | null;
      specialCategory: boolean;
      serviceAreaId?: string | null;
    }[];
    pages: number;
  }>;
}

/** The register's personal-data categories in the ICO breach form's terms (unlisted ones have no ICO box). */
const CATEGORY_MAP: Record<string, string> = {
  identity: "identifiers",
  contact: "identifiers",
  "date-of-birth": "identifiers",
  identifiers: "identifiers",
  financial: "financial",
  benefits: "financial",
  location: "location",
  online: "identification",
  "racial-ethnic-origin": "racial-ethnic",
  "political-opinions": "political",
  "religious-beliefs": "religious",
  "trade-union": "trade-union",
  genetic: "genetic",
  biometric: "biometric",
  health: "health",
  "sex-life-orientation": "sex-life",
  "criminal-offences": "criminal",
};

const SUBJECT_MAP: Record<string, string> = {
  children: "children",
  "looked-after-children": "children",
  pupils: "children",
  "young-people": "children",
  "vulnerable-adults": "vulnerable-adults",
  "adults-receiving-care": "patients",
  employees: "employees",
  "job-applicants": "employees",
  tenants: "tenants",
  councillors: "councillors",
};

export function toBreachTerms(asset: {
  personalDataCategories?: readonly string[] | null;
  dataSubjectCategories?: readonly string[] | null;
}): { dataCategories: string[]; subjectTypes: string[] } {
  const dataCategories = new Set<string>();
  for (const c of asset.personalDataCategories ?? [])
    if (CATEGORY_MAP[c]) dataCategories.add(CATEGORY_MAP[c]);
  const subjectTypes = new Set<string>();
  for (const s of asset.dataSubjectCategories ?? [])
    subjectTypes.add(SUBJECT_MAP[s] ?? "residents");
  return { dataCategories: [...dataCategories], subjectTypes: [...subjectTypes] };
}

export function breachAssetsFrom(register: AssetRegister): BreachAssetSource {
  return {
    async options(): Promise<BreachAsset[]> {
      const out: BreachAsset[] = [];
      for (let page = 1; page <= 20; page++) {
        const result = await register.list({ holdsPersonalData: true, pageSize: 500, page });
        for (const a of result.items)
          out.push({
            id: a.id,
            name: `${a.name} (${a.reference})`,
            ...toBreachTerms(a),
            specialCategory: a.specialCategory,
            serviceAreaId: a.serviceAreaId ?? null,
          });
        if (page >= result.pages) break;
      }
      return out;
    },
  };
}
