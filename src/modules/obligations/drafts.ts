import type { DbOrTrx } from "../../platform/db/database.ts";
import { UUID } from "../../platform/db/ids.ts";

/** A spreadsheet read but not yet applied: what the preview page shows and the confirm button applies. */
export interface ImportDraft<Row = Record<string, unknown>> {
  id: string;
  kind: string;
  filename: string;
  rows: Row[];
  problems: string[];
}

/** Keeps a preview for its uploader (a day at most), so confirming applies exactly what was shown. */
export async function saveDraft<Row extends object>(
  db: DbOrTrx,
  draft: Omit<ImportDraft<Row>, "id"> & { userId: string },
): Promise<ImportDraft<Row>> {
  await db
    .deleteFrom("obligation_import_drafts")
    .where("created_at", "<", new Date(Date.now() - 86_400_000))
    .execute();
  const row = await db
    .insertInto("obligation_import_drafts")
    .values({
      kind: draft.kind,
      user_id: draft.userId,
      filename: draft.filename.slice(0, 200),
      rows: JSON.stringify(draft.rows),
      problems: JSON.stringify(draft.problems.slice(0, 500)),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    kind: draft.kind,
    filename: draft.filename,
    rows: draft.rows,
    problems: draft.problems,
  };
}

export async function loadDraft<Row = Record<string, unknown>>(
  db: DbOrTrx,
  id: string,
  userId: string,
  kind: string,
): Promise<ImportDraft<Row> | undefined> {
  if (!UUID.test(id)) return undefined;
  const d = await db
    .selectFrom("obligation_import_drafts")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return d
    ? { id: d.id, kind: d.kind, filename: d.filename, rows: d.rows as Row[], problems: d.problems }
    : undefined;
}

export async function deleteDraft(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom("obligation_import_drafts").where("id", "=", id).execute();
}
