import nunjucks from "nunjucks";

/**
 * Two caches that make GOV.UK Frontend's Nunjucks macros cheap, without changing what they output.
 *
 * 1. `{% from "…" import macro %}` re-runs the imported file on every render. An import without
 *    "with context" depends only on the file and the environment's globals, so its exports are made once.
 * 2. A GOV.UK component macro is a pure function of its `params`: its HTML is kept by the params' JSON, so a
 *    page's header, navigation, buttons and empty fields render once. Calls with a `caller` block are not kept.
 */
type ExportedCallback = (err: Error | null, exported?: Record<string, unknown>) => void;
type Macro = (...args: unknown[]) => unknown;
type CachingTemplate = {
  path?: string;
  getExported: (...args: unknown[]) => void;
  __stewardExported?: Record<string, unknown>;
};

const COMPONENT_PATH =
  /govuk-frontend[\\/]dist[\\/]govuk[\\/]components[\\/][^\\/]+[\\/]macro\.njk$/;
const MAX_ENTRIES_PER_MACRO = 2000;

function memoise(macro: Macro): Macro {
  const cache = new Map<string, unknown>();
  return function (this: unknown, ...args: unknown[]) {
    const params = args[0];
    if (args.length !== 1 || !params || typeof params !== "object" || "__keywords" in params)
      return macro.apply(this, args);
    let key: string;
    try {
      key = JSON.stringify(params);
    } catch {
      return macro.apply(this, args);
    }
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const html = macro.apply(this, args);
    if (cache.size >= MAX_ENTRIES_PER_MACRO) cache.clear();
    cache.set(key, html);
    return html;
  };
}

const proto = (nunjucks.Template as unknown as { prototype: CachingTemplate }).prototype;
const original = proto.getExported as ((...args: unknown[]) => void) & { steward?: true };

if (!original.steward) {
  const getExported = function (this: CachingTemplate, ...args: unknown[]) {
    if (args.length !== 1 || typeof args[0] !== "function") return original.apply(this, args);
    const cb = args[0] as ExportedCallback;
    if (this.__stewardExported) return cb(null, this.__stewardExported);
    const isComponent = COMPONENT_PATH.test(this.path ?? "");
    return original.call(this, (err: Error | null, exported?: Record<string, unknown>) => {
      if (!err && exported) {
        if (isComponent) {
          for (const [name, value] of Object.entries(exported))
            if (typeof value === "function") exported[name] = memoise(value as Macro);
        }
        this.__stewardExported = exported;
      }
      cb(err, exported);
    });
  } as ((...args: unknown[]) => void) & { steward?: true };
  getExported.steward = true;
  proto.getExported = getExported;
}
