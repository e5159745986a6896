import { sql } from "kysely";
import type { Db } from "./db/database.ts";

/** Small key/value settings kept in the database (generated secrets, first-start flags). */
export class SettingsService {
  constructor(private readonly db: Db) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db
      .selectFrom("app_settings")
      .select("value")
      .where("key", "=", key)
      .executeTakeFirst();
    return row?.value as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await sql`INSERT INTO app_settings (key, value) VALUES (${key}, ${JSON.stringify(value)}::jsonb)
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`.execute(this.db);
  }

  /** Returns the stored value, or stores and returns `make()`; the first writer wins. */
  async getOrCreate<T>(key: string, make: () => T): Promise<T> {
    await sql`INSERT INTO app_settings (key, value) VALUES (${key}, ${JSON.stringify(make())}::jsonb)
      ON CONFLICT (key) DO NOTHING`.execute(this.db);
    return (await this.get<T>(key)) as T;
  }
}
