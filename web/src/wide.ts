// A wider screen (≥ 1024 px): the nearby questions (map and list) stay beside the open
// room, instead of one phone-sized column in the middle. Narrower screens never build it.

import type { Route } from "./router";
import type { View } from "./views/view";

const WIDE = "(min-width: 1024px)";

export class SidePane {
  private view: View | null = null;

  constructor(
    private readonly aside: HTMLElement,
    private readonly build: () => View,
  ) {
    aside.hidden = true;
  }

  /** Call after each render, and when the width crosses the breakpoint. */
  update(route: Route, force = false): void {
    const wanted = route.name === "room" && window.matchMedia(WIDE).matches;
    if (wanted && this.view && !force) return;
    this.close();
    if (!wanted) return;
    this.view = this.build();
    this.aside.replaceChildren(this.view.el);
    this.aside.hidden = false;
    document.body.classList.add("two-pane");
  }

  private close(): void {
    this.view?.destroy?.();
    this.view = null;
    this.aside.replaceChildren();
    this.aside.hidden = true;
    document.body.classList.remove("two-pane");
  }

  watch(current: () => Route): void {
    window.matchMedia(WIDE).addEventListener("change", () => this.update(current()));
  }
}
