import type { LightMyRequestResponse } from "fastify";
import type { Role } from "../../src/platform/auth/roles.ts";
import { createUser, type TestContext } from "./runtime.ts";

/** A browser-like client for app.inject: keeps cookies, finds the form's CSRF token. */
export class TestClient {
  private cookies = new Map<string, string>();
  csrf = "";

  constructor(private readonly ctx: TestContext) {}

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === "" || (c.expires && new Date(c.expires).getTime() < Date.now()))
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1];
  }

  private get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.ctx.app.inject({
      method: "GET",
      url,
      headers: { cookie: this.cookieHeader, ...headers },
    });
    this.remember(res);
    return res;
  }

  async post(
    url: string,
    form: Record<string, string | string[]>,
    options: { csrf?: string | null } = {},
  ) {
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token !== null) body.append("_csrf", token);
    for (const [k, v] of Object.entries(form))
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    const res = await this.ctx.app.inject({
      method: "POST",
      url,
      payload: body.toString(),
      headers: { cookie: this.cookieHeader, "content-type": "application/x-www-form-urlencoded" },
    });
    this.remember(res);
    return res;
  }

  async signIn(email: string, password: string) {
    await this.get("/sign-in");
    const res = await this.post("/sign-in", { email, password });
    if (res.statusCode === 303) await this.get("/staff");
    return res;
  }
}

export async function signedInClient(ctx: TestContext, roles: Role[] = []) {
  const user = await createUser(ctx, roles);
  const client = new TestClient(ctx);
  const res = await client.signIn(user.email, user.password);
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode}`);
  return { client, user };
}
