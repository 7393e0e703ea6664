// The small part of ICU message format the catalogues use: `{name}` placeholders and
// `{name, plural, =0 {…} one {…} other {…}}` with `#` for the number. Intl.PluralRules picks
// the branch (CLDR rules per language), Intl.NumberFormat writes the number. A full ICU
// library (intl-messageformat, ~15 kB gzipped with its parser) would be the only dependency
// of the phone bundle for two features, so this stays a function of ~40 lines.

type Params = Record<string, string | number>;

const PLURAL_START = /\{(\w+),\s*plural,/g;
const rulesByLocale = new Map<string, Intl.PluralRules>();

function pluralRules(locale: string): Intl.PluralRules {
  let rules = rulesByLocale.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    rulesByLocale.set(locale, rules);
  }
  return rules;
}

/** The branches of one plural block starting at `from` (just after "plural,"), and where it ends. */
function readBranches(template: string, from: number): { branches: Map<string, string>; end: number } {
  const branches = new Map<string, string>();
  let i = from;
  for (;;) {
    while (template[i] === " ") i++;
    if (template[i] === "}") return { branches, end: i + 1 };
    const selector = /^(=\d+|\w+)\s*\{/.exec(template.slice(i));
    if (!selector) throw new Error(`Malformed plural in message: ${template}`);
    i += selector[0].length;
    const start = i;
    for (let depth = 1; depth > 0; i++) {
      if (i >= template.length) throw new Error(`Unclosed plural in message: ${template}`);
      if (template[i] === "{") depth++;
      else if (template[i] === "}") depth--;
    }
    branches.set(selector[1] ?? "other", template.slice(start, i - 1));
  }
}

function formatPlurals(template: string, params: Params, locale: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    PLURAL_START.lastIndex = at;
    const match = PLURAL_START.exec(template);
    if (!match) return out + template.slice(at);
    const name = match[1] ?? "";
    const value = Number(params[name]);
    const { branches, end } = readBranches(template, match.index + match[0].length);
    const body =
      branches.get(`=${value}`) ?? branches.get(pluralRules(locale).select(value)) ?? branches.get("other") ?? "";
    out += template.slice(at, match.index) + body.replace(/#/g, new Intl.NumberFormat(locale).format(value));
    at = end;
  }
}

/** `template` with its plural blocks chosen and `{name}` placeholders filled from `params`. */
export function format(template: string, params: Params, locale: string): string {
  const chosen = template.includes(", plural,") ? formatPlurals(template, params, locale) : template;
  return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The parameter names a message uses (plural selectors included), for the catalogue tests. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)(?:\}|,\s*plural,)/g)].map((m) => m[1] ?? ""))].sort();
}
