// The language menu and where the choice is remembered: this browser (localStorage, via
// setLang) and the account (PATCH /api/me {language}), so another device follows the account.

import { api } from "./api";
import { h } from "./dom";
import { isLang, lang, LANG_NAMES, LANGS, setLang, t, type Lang } from "./i18n";
import { session } from "./session";
import type { User } from "./types";

/** Use `next` here and remember it on the account when someone is signed in. */
export async function chooseLang(next: Lang): Promise<void> {
  setLang(next, localStorage);
  const user = session.user;
  if (!user || user.language === next) return;
  try {
    session.updateUser(await api.updateMe({ language: next }));
  } catch {
    // Offline or a lost session: the browser still remembers it; the next choice retries.
  }
}

/** At sign-in: the account's language wins; an account without one takes this browser's. */
export function adoptAccountLang(user: User): void {
  if (isLang(user.language)) setLang(user.language, localStorage);
  else void chooseLang(lang());
}

/** A native <select> (one tap, then the choice), each language named in itself. */
export function languageMenu(testId: string): HTMLSelectElement {
  const menu = h(
    "select",
    { class: "lang-menu", "data-testid": testId, "aria-label": t("language") },
    LANGS.map((code) => h("option", { value: code, lang: code }, LANG_NAMES[code])),
  );
  menu.value = lang();
  menu.addEventListener("change", () => {
    if (isLang(menu.value)) void chooseLang(menu.value);
  });
  return menu;
}

/** Keep a menu built earlier in step with the current language. */
export function syncLanguageMenu(menu: HTMLSelectElement): void {
  menu.value = lang();
  menu.setAttribute("aria-label", t("language"));
}
