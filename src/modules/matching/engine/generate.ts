/**
 * Synthetic UK people across council datasets, with realistic errors and the truth kept
 * (`person_id`). Deterministic for a given seed.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  FEMALE_FORENAMES,
  MALE_FORENAMES,
  POSTCODE_AREAS,
  STREET_ABBREVIATIONS,
  STREET_NAMES,
  STREET_TYPES,
  SURNAMES,
  TOWNS,
  zipfWeights,
} from "./names-data.ts";
import { nicknameGroups } from "./nicknames.ts";

export interface DatasetSpec {
  name: string;
  /** Share of people who appear in the dataset. */
  coverage: number;
  /** Share of included people who appear twice. */
  duplicateRate: number;
  prefix: string;
  dobFormat: "iso" | "dmy" | "long";
  dobMissing: number;
  columns: ("email" | "phone" | "ni_number")[];
}

export const DEFAULT_DATASETS: DatasetSpec[] = [
  {
    name: "electoral_register",
    coverage: 0.85,
    duplicateRate: 0.02,
    prefix: "ER",
    dobFormat: "iso",
    dobMissing: 0.2,
    columns: ["email"],
  },
  {
    name: "council_tax",
    coverage: 0.7,
    duplicateRate: 0.03,
    prefix: "CT",
    dobFormat: "dmy",
    dobMissing: 0.15,
    columns: ["phone"],
  },
  {
    name: "housing",
    coverage: 0.2,
    duplicateRate: 0.03,
    prefix: "HS",
    dobFormat: "long",
    dobMissing: 0.05,
    columns: ["phone", "ni_number", "email"],
  },
];

export interface GenerateOptions {
  people: number;
  outDir: string;
  seed?: number;
  datasets?: DatasetSpec[];
  /** Also write combined.csv (every record with a `source` column), for deduplication. */
  combined?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  files: { name: string; path: string; records: number }[];
}

/** mulberry32: small, fast, seedable. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class WeightedPicker<T> {
  private readonly cumulative: Float64Array;
  constructor(
    private readonly items: T[],
    weights: number[],
  ) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
  }
  pick(random: () => number): T {
    const target = random() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo];
  }
}

interface Address {
  line: string;
  street: string;
  number: number;
  flat: number | null;
  town: string;
  postcode: string;
}

interface Person {
  id: number;
  female: boolean;
  forename: string;
  surname: string;
  maidenName: string | null;
  dob: [number, number, number];
  address: Address;
  previousAddress: Address | null;
  email: string | null;
  phone: string | null;
  ni: string;
}

const LETTERS = "ABDEFGHJLNPQRSTUWXYZ";
const NI_PREFIX = "ABCEGHJKLMNOPRSTWXYZ";
const KEYBOARD = "qwertyuiopasdfghjklzxcvbnm";

function title(word: string): string {
  return word.replace(/(^|[\s'-])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function typo(word: string, random: () => number): string {
  if (word.length < 2) return word;
  const i = Math.floor(random() * word.length);
  const letter = KEYBOARD[Math.floor(random() * KEYBOARD.length)];
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, i) + letter + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return word.slice(0, i) + letter + word.slice(i);
    default: {
      const j = Math.min(i + 1, word.length - 1);
      if (i === j) return word.slice(0, i) + letter;
      return word.slice(0, i) + word[j] + word[i] + word.slice(j + 1);
    }
  }
}

function csv(value: string | null): string {
  if (value === null) return "";
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

class Population {
  private readonly random: () => number;
  private readonly surnames: WeightedPicker<string>;
  private readonly maleNames: WeightedPicker<string>;
  private readonly femaleNames: WeightedPicker<string>;
  private readonly streets: WeightedPicker<string>;
  private readonly nicknames = new Map<string, string[]>();
  private readonly streetsInUse: {
    street: string;
    town: string;
    postcodes: string[];
    houses: number;
  }[] = [];

  constructor(seed: number, people: number) {
    this.random = randomSource(seed);
    this.surnames = new WeightedPicker(SURNAMES, zipfWeights(SURNAMES.length, 15));
    this.maleNames = new WeightedPicker(MALE_FORENAMES, zipfWeights(MALE_FORENAMES.length, 6));
    this.femaleNames = new WeightedPicker(
      FEMALE_FORENAMES,
      zipfWeights(FEMALE_FORENAMES.length, 6),
    );
    this.streets = new WeightedPicker(STREET_NAMES, zipfWeights(STREET_NAMES.length, 50));
    for (const [canonical, nicks] of Object.entries(nicknameGroups()))
      this.nicknames.set(canonical, nicks);
    // About 40 homes a street and 15 a postcode, as in UK towns.
    const streets = Math.max(5, Math.ceil(people / 70));
    for (let i = 0; i < streets; i++) {
      const area = POSTCODE_AREAS[Math.floor(this.random() * POSTCODE_AREAS.length)];
      const district = `${area}${1 + Math.floor(this.random() * 30)}`;
      const sector = Math.floor(this.random() * 10);
      const postcodes = Array.from(
        { length: 3 },
        () =>
          `${district} ${sector}${LETTERS[Math.floor(this.random() * 20)]}${LETTERS[Math.floor(this.random() * 20)]}`,
      );
      const type = STREET_TYPES[Math.floor(this.random() * STREET_TYPES.length)];
      this.streetsInUse.push({
        street: `${this.streets.pick(this.random)} ${type}`,
        town: TOWNS[Math.floor(this.random() * TOWNS.length)],
        postcodes,
        houses: 10 + Math.floor(this.random() * 150),
      });
    }
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  address(): Address {
    const s = this.streetsInUse[this.int(this.streetsInUse.length)];
    const number = 1 + this.int(s.houses);
    const flat = this.chance(0.12) ? 1 + this.int(12) : null;
    const postcode = s.postcodes[Math.min(2, Math.floor((number / s.houses) * 3))];
    const line = `${flat ? `Flat ${flat}, ` : ""}${number} ${title(s.street)}`;
    return { line, street: s.street, number, flat, town: s.town, postcode };
  }

  dob(): [number, number, number] {
    // Adults 18–95, more of them younger: a rough UK age pyramid.
    const age = 18 + Math.floor(77 * this.random() ** 1.3);
    const year = 2024 - age;
    const month = 1 + this.int(12);
    const day = 1 + this.int(new Date(Date.UTC(year, month, 0)).getUTCDate());
    return [year, month, day];
  }

  household(firstId: number, size: number): Person[] {
    const address = this.address();
    const surname = this.surnames.pick(this.random);
    const people: Person[] = [];
    for (let k = 0; k < size; k++) {
      const female = this.chance(0.51);
      const sharesSurname = k === 0 || this.chance(0.7);
      const married = female && this.chance(0.3);
      const personSurname = sharesSurname ? surname : this.surnames.pick(this.random);
      const forename = (female ? this.femaleNames : this.maleNames).pick(this.random);
      const moved = this.chance(0.15);
      const dob = this.dob();
      people.push({
        id: firstId + k,
        female,
        forename,
        surname: personSurname,
        maidenName: married ? this.surnames.pick(this.random) : null,
        dob,
        address,
        previousAddress: moved ? this.address() : null,
        // Personal addresses: the number keeps two John Smiths from sharing one.
        email: this.chance(0.55)
          ? `${forename}.${personSurname.replace(/'/g, "")}${(firstId + k) % 9973}@${["gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "btinternet.com"][this.int(5)]}`
          : null,
        phone: this.chance(0.65) ? `07${pad(this.int(1000), 3)}${pad(this.int(1000000), 6)}` : null,
        ni: `${NI_PREFIX[this.int(20)]}${NI_PREFIX[this.int(20)]}${pad(this.int(1000000), 6)}${"ABCD"[this.int(4)]}`,
      });
    }
    return people;
  }

  /** One record of a person in a dataset, with the errors that creep into council data. */
  record(p: Person, spec: DatasetSpec): Record<string, string | null> {
    let forename: string | null = p.forename;
    let surname: string | null = p.surname;
    const nicks = this.nicknames.get(p.forename);
    if (nicks && this.chance(0.1)) forename = nicks[this.int(nicks.length)];
    if (p.maidenName && this.chance(0.3)) surname = p.maidenName;
    if (this.chance(0.05)) forename = typo(forename, this.random);
    if (this.chance(0.05)) surname = typo(surname, this.random);
    if (this.chance(0.01)) [forename, surname] = [surname, forename];
    if (this.chance(0.01)) forename = null;
    if (this.chance(0.01)) surname = null;
    let [year, month, day] = p.dob;
    if (day <= 12 && this.chance(0.03)) [month, day] = [day, month];
    if (this.chance(0.02)) year += this.chance(0.5) ? 1 : -1;
    if (this.chance(0.02)) day = Math.min(28, Math.max(1, day + (this.chance(0.5) ? 10 : -10)));
    const dob = this.chance(spec.dobMissing) ? null : formatDob(year, month, day, spec.dobFormat);
    const address = p.previousAddress && this.chance(0.5) ? p.previousAddress : p.address;
    let line = address.line;
    if (this.chance(0.3)) line = abbreviate(line);
    if (this.chance(0.03)) line = typo(line.toLowerCase(), this.random);
    if (this.chance(0.02)) line = line.replace(/^\d+\s*/, "");
    let postcode: string | null = address.postcode;
    if (this.chance(0.03)) postcode = null;
    else if (this.chance(0.02)) postcode = typo(postcode.toLowerCase(), this.random).toUpperCase();
    else if (this.chance(0.2)) postcode = postcode.replace(" ", "").toLowerCase();
    const upper = spec.prefix === "ER";
    const out: Record<string, string | null> = {
      first_name: forename ? (upper ? forename.toUpperCase() : title(forename)) : null,
      surname: surname ? (upper ? surname.toUpperCase() : title(surname)) : null,
      dob,
      address: this.chance(0.03) ? null : `${line}, ${title(address.town)}`,
      postcode,
    };
    if (spec.columns.includes("email")) out.email = p.email && !this.chance(0.2) ? p.email : null;
    if (spec.columns.includes("phone"))
      out.phone =
        p.phone && !this.chance(0.2)
          ? this.chance(0.3)
            ? `+44 ${p.phone.slice(1, 5)} ${p.phone.slice(5)}`
            : p.phone
          : null;
    if (spec.columns.includes("ni_number"))
      out.ni_number = this.chance(0.1)
        ? null
        : this.chance(0.3)
          ? p.ni.replace(/(..)(..)(..)(..)(.)/, "$1 $2 $3 $4 $5")
          : p.ni;
    return out;
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function formatDob(
  year: number,
  month: number,
  day: number,
  format: DatasetSpec["dobFormat"],
): string {
  if (format === "dmy") return `${pad(day)}/${pad(month)}/${year}`;
  if (format === "long") return `${day} ${MONTHS[month - 1]} ${year}`;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function abbreviate(line: string): string {
  return line.replace(/\b([A-Z][a-z]+)$/, (word) => {
    const short = STREET_ABBREVIATIONS[word.toLowerCase()];
    return short ? title(short) : word;
  });
}

class CsvFile {
  private readonly fd: number;
  private buffer = "";
  records = 0;
  constructor(
    readonly path: string,
    readonly header: string[],
  ) {
    this.fd = openSync(path, "w");
    this.buffer = `${header.join(",")}\n`;
  }
  write(values: (string | null)[]): void {
    this.buffer += `${values.map(csv).join(",")}\n`;
    this.records++;
    if (this.buffer.length > 1 << 20) this.flush();
  }
  flush(): void {
    writeSync(this.fd, this.buffer);
    this.buffer = "";
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export function generatePopulation(options: GenerateOptions): GenerateResult {
  const datasets = options.datasets ?? DEFAULT_DATASETS;
  const population = new Population(options.seed ?? 1, options.people);
  mkdirSync(options.outDir, { recursive: true });
  const headers = datasets.map((d) => [
    "record_id",
    "person_id",
    "first_name",
    "surname",
    "dob",
    "address",
    "postcode",
    ...d.columns,
  ]);
  const files = datasets.map(
    (d, i) => new CsvFile(join(options.outDir, `${d.name}.csv`), headers[i]),
  );
  const combinedColumns = [
    "record_id",
    "person_id",
    "source",
    "first_name",
    "surname",
    "dob",
    "address",
    "postcode",
    "email",
    "phone",
    "ni_number",
  ];
  const combined =
    options.combined === false
      ? null
      : new CsvFile(join(options.outDir, "combined.csv"), combinedColumns);
  let made = 0;
  while (made < options.people) {
    const size = Math.min(options.people - made, [1, 1, 2, 2, 2, 3, 4][population.int(7)]);
    for (const person of population.household(made, size)) {
      datasets.forEach((spec, i) => {
        if (!population.chance(spec.coverage)) return;
        const copies = population.chance(spec.duplicateRate) ? 2 : 1;
        for (let c = 0; c < copies; c++) {
          const rec = population.record(person, spec);
          const id = `${spec.prefix}${pad(files[i].records + 1, 8)}`;
          const personId = `P${pad(person.id, 8)}`;
          files[i].write([
            id,
            personId,
            rec.first_name,
            rec.surname,
            rec.dob,
            rec.address,
            rec.postcode,
            ...spec.columns.map((col) => rec[col] ?? null),
          ]);
          combined?.write([
            id,
            personId,
            spec.name,
            rec.first_name,
            rec.surname,
            rec.dob,
            rec.address,
            rec.postcode,
            rec.email ?? null,
            rec.phone ?? null,
            rec.ni_number ?? null,
          ]);
        }
      });
    }
    made += size;
    if (made % 50_000 < size) options.onProgress?.(made, options.people);
  }
  options.onProgress?.(options.people, options.people);
  for (const f of files) f.close();
  combined?.close();
  return {
    files: [...files, ...(combined ? [combined] : [])].map((f) => ({
      name: f.path.split("/").pop() as string,
      path: f.path,
      records: f.records,
    })),
  };
}
