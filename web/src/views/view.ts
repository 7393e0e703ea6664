import { h, replaceChildren } from "../dom";
import { t } from "../i18n";

export interface View {
  /** The page's content, placed inside <main>. */
  el: HTMLElement;
  /** The document title and the page's heading. */
  title: string;
  destroy?: () => void;
}

/** A labelled form field: the label is tied to the control for screen readers. */
export function field(
  id: string,
  label: string,
  control: HTMLElement,
  hint?: string,
): HTMLElement {
  control.id = id;
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    control,
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
  );
}

export function errorBox(): HTMLElement {
  return h("p", { class: "form-error", role: "alert", "data-testid": "form-error", hidden: true });
}

export function showError(box: HTMLElement, message: string | null): void {
  box.textContent = message ?? "";
  box.hidden = !message;
}

/** Fills `list` with one chip per hashtag, each with its remove button. */
export function renderTagChips(
  list: HTMLElement,
  tags: readonly string[],
  onRemove: (tag: string) => void,
): void {
  replaceChildren(
    list,
    tags.map((tag) =>
      h(
        "li",
        { class: "chip" },
        `#${tag}`,
        h("button", { type: "button", "aria-label": t("hashtagRemove", { tag }), onclick: () => onRemove(tag) }, "×"),
      ),
    ),
  );
}
