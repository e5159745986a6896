import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

function steward(...args: string[]) {
  const result = spawnSync(process.execPath, ["bin/steward.js", "deadline", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("steward deadline", () => {
  it("prints the due date alone on the first line, then the explanation", () => {
    const { code, stdout } = steward("foi", "2026-12-18");
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n");
    assert.equal(lines[0], "2027-01-21");
    assert.ok(lines.length > 2);
    assert.match(stdout, /2026-12-25 Christmas Day \(all UK\)/);
  });

  it("applies --extended and --division", () => {
    assert.equal(steward("eir", "2026-01-05", "--extended").stdout.split("\n")[0], "2026-03-02");
    assert.equal(steward("sar", "2026-10-31").stdout.split("\n")[0], "2026-11-30");
    assert.equal(
      steward("sar", "2026-10-31", "--division", "scotland").stdout.split("\n")[0],
      "2026-12-01",
    );
    assert.equal(
      steward("police", "2026-03-16", "--target-days=5").stdout.split("\n")[0],
      "2026-03-23",
    );
  });

  it("prints one JSON object with --json", () => {
    const { code, stdout } = steward("sar", "2024-01-31", "--json");
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.due, "2024-02-29");
    assert.equal(typeof result.explanation, "string");
  });

  for (const args of [
    ["fio", "2026-01-05"],
    ["foi", "2026-02-30"],
    ["foi", "2026-13-01"],
    ["foi", "tomorrow"],
    ["foi"],
    [],
    ["foi", "2026-01-05", "--bogus"],
    ["sar", "2026-01-05", "--division", "wales"],
  ]) {
    it(`fails with exit code 2 and nothing on stdout: ${args.join(" ") || "(no arguments)"}`, () => {
      const { code, stdout, stderr } = steward(...args);
      assert.equal(code, 2);
      assert.equal(stdout, "");
      assert.match(stderr, /steward deadline: /);
    });
  }

  it("prints help through the dispatcher", () => {
    const { code, stdout } = steward("--help");
    assert.equal(code, 0);
    assert.match(stdout, /Usage: steward deadline TYPE RECEIVED/);
  });
});
