import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { sha256File } from "./file-hash.ts";

const dir = mkdtempSync(join(tmpdir(), "steward-hash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("the SHA-256 of an upload", () => {
  const large = randomBytes(20 * 1024 * 1024);
  const largePath = join(dir, "large.bin");
  writeFileSync(largePath, large);
  const expected = createHash("sha256").update(large).digest("hex");

  it("is the same from the system's openssl as from Node, for small and large files", async () => {
    assert.equal(await sha256File(largePath), expected);
    const small = join(dir, "small.csv");
    writeFileSync(small, "a,b\n1,2\n");
    assert.equal(await sha256File(small), createHash("sha256").update("a,b\n1,2\n").digest("hex"));
  });

  it("is still right when openssl cannot be found", async () => {
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      assert.equal(await sha256File(largePath), expected);
    } finally {
      process.env.PATH = path;
    }
  });

  it("names a file that is not there", async () => {
    await assert.rejects(sha256File(join(dir, "missing.csv")), /ENOENT/);
  });
});
