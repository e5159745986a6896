import { type RawBuilder, type Selectable, sql } from "kysely";
import type { AuditContext, AuditService } from "../../../platform/audit/audit-service.ts";
import { isIsoDate } from "../../../platform/calendar/index.ts";
import type { Db } from "../../../platform/db/database.ts";
import type { Database } from "../../../platform/db/schema.ts";
import { CaseInputError, type CasesService, todayIso } from "../cases/cases-service.ts";
import { isOutcome, OUTCOMES, type Outcome } from "../cases/vocabulary.ts";

export interface DisclosureEntry {
  id: string;
  reference: string;
  type: string;
  title: string;
  requestText: string;
  responseText: string;
  outcome: string;
  outcomeLabel: string;
  service: string | null;
  topic: string | null;
  relatedLinks: { text: string; href: string }[];
  received: string;
  publishedOn: string;
}

export interface DisclosureSearch {
  q?: string;
  service?: string;
  topic?: string;
  outcome?: string;
  type?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

/** The start of the answer, shown under each hit. */
const snippetColumn = () => sql<string>`left(response_text, 240)`.as("snippet");
/** Relevance to the words (0 when browsing without words). */
const rankColumn = (query: RawBuilder<unknown> | undefined) =>
  (query ? sql<number>`ts_rank(search, ${query})` : sql<number>`0`).as("rank");

type DisclosureRow = Pick<Selectable<Database["disclosure_log"]>, (typeof HIT_COLUMNS)[number]> & {
  snippet: string;
};

export interface DisclosureHit extends Omit<DisclosureEntry, "requestText" | "responseText"> {
  snippet: string;
}

/** When there are more than COUNT_CAP matches, the newest this many are ranked; later pages go by date. */
export const RANKED_WINDOW = 100;
/** Matches counted exactly, and all ranked, up to this; above it the page says "more than". */
export const COUNT_CAP = 100;
/** How many of the newest entries a search with many matches walks before fetching every match. */
const WALK_BUDGET = 10_000;
const HIT_COLUMNS = [
  "id",
  "reference",
  "type",
  "title",
  "outcome",
  "service",
  "topic",
  "related_links",
  "received",
  "published_on",
] as const;
const SUGGESTION_WINDOW = 100;

/** Words of what someone is typing as tsquery terms, each a prefix: "bin coll" → bin:*, coll:*. */
export function prefixWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9\s]/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 2 && !STOP.has(w))
    .slice(-8)
    .map((w) => `${w}:*`);
}

const STOP = new Set(
  "the and for are was were how many much what which who when where why please tell give provide list number information council from with this that have has had you your all any can could would about into since".split(
    " ",
  ),
);

const OUTCOME_FILTERS = Object.keys(OUTCOMES);

/** Removes email addresses, phone numbers and postcodes that slipped into a published text. */
export function removeIdentifiers(text: string, names: (string | null)[] = []): string {
  let out = text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, "[email removed]")
    .replace(/(\+44\s?|\b0)(\d[\s-]?){9,10}\b/g, "[phone number removed]")
    .replace(/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/gi, "[postcode removed]");
  for (const name of names) {
    if (!name || name.trim().length < 3) continue;
    const escaped = name.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(escaped, "gi"), "[name removed]");
    for (const part of name
      .trim()
      .split(/\s+/)
      .filter((p) => p.length > 2)) {
      out = out.replace(
        new RegExp(`\\b${part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "gi"),
        "[name removed]",
      );
    }
  }
  return out;
}

/**
 * The public disclosure log: answered FOI and EIR requests, published without the requester's
 * identity, searchable by anyone. Full-text search is PostgreSQL's (it runs on PGlite too).
 */
export class DisclosureService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly cases: CasesService,
  ) {}

  async search(filter: DisclosureSearch): Promise<{
    results: DisclosureHit[];
    total: number;
    totalIsCapped: boolean;
    hasMore: boolean;
  }> {
    const pageSize = Math.min(Math.max(filter.pageSize ?? 20, 1), 100);
    const page = Math.min(Math.max(filter.page ?? 1, 1), 500);
    const offset = (page - 1) * pageSize;
    const text = (filter.q ?? "").trim().slice(0, 200);
    const query = text ? sql`websearch_to_tsquery('english', ${text})` : undefined;
    const filtered = this.filtered(filter);
    const matching = query ? filtered.where(sql<boolean>`search @@ ${query}`) : filtered;
    const snippet = snippetColumn();
    const rank = rankColumn(query);

    // Up to COUNT_CAP + 1 matches, straight from the GIN index over text and filters. MATERIALIZED
    // makes PostgreSQL plan the match for every row (the index) while the LIMIT still stops it early;
    // planned under the LIMIT alone it may walk the table expecting to meet matches soon.
    const { rows: found } = await sql<{ id: string }>`
      WITH matches AS MATERIALIZED (${matching.select("id")})
      SELECT id FROM matches LIMIT ${COUNT_CAP + 1}`.execute(this.db);
    const total = found.length;
    let rows: (DisclosureRow & { rank: number })[];
    let hasMore: boolean | undefined;
    if (total <= COUNT_CAP) {
      // Few enough to rank them all: fetched by id, whatever the planner thinks of the words.
      if (total === 0) return { results: [], total: 0, totalIsCapped: false, hasMore: false };
      rows = await this.db
        .selectFrom("disclosure_log")
        .select([...HIT_COLUMNS, snippet, rank])
        .where(sql<boolean>`id = any(${found.map((r) => r.id)}::uuid[])`)
        .orderBy("rank", "desc")
        .orderBy("published_on", "desc")
        .orderBy("id")
        .limit(pageSize + 1)
        .offset(offset)
        .execute();
    } else if (query && offset + pageSize <= RANKED_WINDOW) {
      // Many matches: rank the newest RANKED_WINDOW; later pages go by date.
      const newest = await this.newestMatches(filtered, query, 0, RANKED_WINDOW);
      rows = newest
        .sort(
          (a, b) =>
            b.rank - a.rank ||
            b.published_on.localeCompare(a.published_on) ||
            a.id.localeCompare(b.id),
        )
        .slice(offset, offset + pageSize + 1);
      // More than COUNT_CAP matches, and this page ends within the ranked window: later pages go on by date.
      hasMore = true;
    } else {
      rows = await this.newestMatches(filtered, query, offset, pageSize + 1);
    }
    return {
      results: rows.slice(0, pageSize).map((r) => ({
        id: r.id,
        reference: r.reference,
        type: r.type,
        title: r.title,
        outcome: r.outcome,
        outcomeLabel: isOutcome(r.outcome) ? OUTCOMES[r.outcome] : r.outcome,
        service: r.service,
        topic: r.topic,
        relatedLinks: (r.related_links as { text: string; href: string }[]) ?? [],
        received: r.received,
        publishedOn: r.published_on,
        snippet: r.snippet,
      })),
      total,
      totalIsCapped: total > COUNT_CAP,
      hasMore: hasMore ?? rows.length > pageSize,
    };
  }

  /** The log narrowed by every filter except the words. */
  private filtered(filter: DisclosureSearch) {
    let q = this.db.selectFrom("disclosure_log");
    if (filter.service) q = q.where("service", "=", filter.service);
    if (filter.topic) q = q.where("topic", "=", filter.topic);
    if (filter.outcome && OUTCOME_FILTERS.includes(filter.outcome))
      q = q.where("outcome", "=", filter.outcome);
    if (filter.type === "foi" || filter.type === "eir") q = q.where("type", "=", filter.type);
    if (filter.from && isIsoDate(filter.from)) q = q.where("published_on", ">=", filter.from);
    if (filter.to && isIsoDate(filter.to)) q = q.where("published_on", "<=", filter.to);
    return q;
  }

  /**
   * Matches newest first, when there are many. The newest WALK_BUDGET entries are walked along the
   * published_on index, which meets common matches quickly; PostgreSQL's estimate for several words
   * often says otherwise and would fetch and sort every match, so the walk is forced for this
   * transaction only. If the walk does not fill the page (matches are rare among recent entries),
   * every match is fetched through the GIN index and sorted: its cost follows the number of matches.
   */
  private async newestMatches(
    filtered: ReturnType<DisclosureService["filtered"]>,
    query: RawBuilder<unknown> | undefined,
    offset: number,
    limit: number,
  ): Promise<(DisclosureRow & { rank: number })[]> {
    const snippet = snippetColumn();
    const rank = rankColumn(query);
    const recent = filtered
      .select([...HIT_COLUMNS, "search", "response_text"])
      .orderBy("published_on", "desc")
      .orderBy("id")
      .limit(WALK_BUDGET)
      .as("recent");
    let walk = this.db.selectFrom(recent).select([...HIT_COLUMNS, snippet, rank]);
    if (query) walk = walk.where(sql<boolean>`search @@ ${query}`);
    const walked = await this.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const compiled = walk
        .orderBy("published_on", "desc")
        .orderBy("id")
        .limit(limit)
        .offset(offset)
        .compile();
      return (await trx.executeQuery(compiled)).rows;
    });
    if (walked.length === limit) return walked;
    // Beyond the walk (matches rare among recent answers, or a page deeper than WALK_BUDGET).
    const all = query ? filtered.where(sql<boolean>`search @@ ${query}`) : filtered;
    const { rows } = await sql<DisclosureRow & { rank: number }>`
      WITH matches AS MATERIALIZED (${all.select([...HIT_COLUMNS, snippet, rank])})
      SELECT * FROM matches ORDER BY published_on DESC, id LIMIT ${limit} OFFSET ${offset}`.execute(
      this.db,
    );
    return rows;
  }

  /** Published answers that may already answer what a resident is typing: titles matched by prefix. */
  async suggest(
    text: string,
    limit = 5,
  ): Promise<{ id: string; title: string; reference: string; publishedOn: string }[]> {
    const words = prefixWords(text.slice(0, 300));
    if (words.length === 0) return [];
    const find = async (query: string) => {
      const tsquery = sql`to_tsquery('english', ${query})`;
      return this.db
        .selectFrom(
          this.db
            .selectFrom("disclosure_log")
            .select(["id", "title", "reference", "published_on", "search"])
            .where(sql<boolean>`search @@ ${tsquery}`)
            .limit(SUGGESTION_WINDOW)
            .as("candidates"),
        )
        .select(["id", "title", "reference", "published_on"])
        .orderBy(sql`ts_rank(search, ${tsquery})`, "desc")
        .orderBy("published_on", "desc")
        .limit(Math.min(limit, 10))
        .execute();
    };
    // Every word first (the last one as a prefix: it may be half typed); then the last few words.
    let rows = await find(words.join(" & "));
    if (rows.length === 0 && words.length > 1) rows = await find(words.slice(-3).join(" | "));
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      reference: r.reference,
      publishedOn: r.published_on,
    }));
  }

  async get(id: string): Promise<DisclosureEntry | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const r = await this.db
      .selectFrom("disclosure_log")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id,
      reference: r.reference,
      type: r.type,
      title: r.title,
      requestText: r.request_text,
      responseText: r.response_text,
      outcome: r.outcome,
      outcomeLabel: isOutcome(r.outcome) ? OUTCOMES[r.outcome] : r.outcome,
      service: r.service,
      topic: r.topic,
      relatedLinks: (r.related_links as { text: string; href: string }[]) ?? [],
      received: r.received,
      publishedOn: r.published_on,
    };
  }

  async facets(): Promise<{ services: string[]; topics: string[] }> {
    const [services, topics] = await Promise.all([
      this.db
        .selectFrom("disclosure_log")
        .select("service")
        .distinct()
        .where("service", "is not", null)
        .orderBy("service")
        .limit(200)
        .execute(),
      this.db
        .selectFrom("disclosure_log")
        .select("topic")
        .distinct()
        .where("topic", "is not", null)
        .orderBy("topic")
        .limit(200)
        .execute(),
    ]);
    return {
      services: services.map((s) => s.service as string),
      topics: topics.map((t) => t.topic as string),
    };
  }

  async publishedFor(caseId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("disclosure_log")
      .select("id")
      .where("case_id", "=", caseId)
      .executeTakeFirst();
    return row?.id;
  }

  /** Publishes a closed FOI or EIR case: the requester's identity removed from what is shown. */
  async publish(
    ctx: AuditContext,
    caseId: string,
    input: {
      title: string;
      requestText: string;
      responseText: string;
      relatedLinks: { text: string; href: string }[];
    },
  ): Promise<string> {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    if (record.type !== "foi" && record.type !== "eir")
      throw new CaseInputError("title", "Only FOI and EIR answers are published");
    if (!record.closedOn || !record.outcome)
      throw new CaseInputError("title", "Close the case with an outcome first");
    if (!input.title.trim()) throw new CaseInputError("title", "Enter a title");
    if (!input.responseText.trim())
      throw new CaseInputError("responseText", "Enter the response to publish");
    if (await this.publishedFor(caseId))
      throw new CaseInputError("title", "This case is already published");
    const names = [record.requesterName, record.requesterOrganisation];
    const outcome: Outcome = record.outcome;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("disclosure_log")
        .values({
          case_id: caseId,
          reference: record.reference,
          type: record.type,
          title: removeIdentifiers(input.title.trim(), names),
          request_text: removeIdentifiers(input.requestText.trim(), names),
          response_text: removeIdentifiers(input.responseText.trim(), names),
          outcome,
          service: record.serviceName,
          topic: record.topic,
          related_links: JSON.stringify(
            input.relatedLinks.filter((l) => /^https?:\/\//.test(l.href) || l.href.startsWith("/")),
          ),
          received: record.received,
          published_on: todayIso(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "publish",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference} published to the disclosure log`,
        },
        trx,
      );
      return row.id;
    });
  }

  /** Adds an entry directly (demo data, imports from an earlier system). */
  async addEntry(entry: Omit<DisclosureEntry, "id" | "outcomeLabel"> & { caseId?: string | null }) {
    const row = await this.db
      .insertInto("disclosure_log")
      .values({
        case_id: entry.caseId ?? null,
        reference: entry.reference,
        type: entry.type,
        title: entry.title,
        request_text: entry.requestText,
        response_text: entry.responseText,
        outcome: entry.outcome,
        service: entry.service,
        topic: entry.topic,
        related_links: JSON.stringify(entry.relatedLinks),
        received: entry.received,
        published_on: entry.publishedOn,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Requests avoided: s.21 answers (already published) and published entries' count. */
  async stats(): Promise<{ published: number; alreadyPublished: number }> {
    const r = await this.db
      .selectFrom("disclosure_log")
      .select([
        (eb) => eb.fn.countAll<string>().as("published"),
        sql<string>`count(*) FILTER (WHERE outcome = 'already-published')`.as("already"),
      ])
      .executeTakeFirstOrThrow();
    return { published: Number(r.published), alreadyPublished: Number(r.already) };
  }
}
