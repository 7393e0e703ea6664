"""Browser checks shared by the accessibility and language tests: axe-core, tap targets,
text zoom, keyboard focus."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
BLOCKING = ("serious", "critical")


async def axe_violations(page: Any, where: str) -> None:
    """Fails on any serious or critical axe-core violation on the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol: the page's CSP forbids inline scripts.
        await page.evaluate(AXE.read_text() + "\n;undefined")
    violations = await page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
          }));
        }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"{where}: {blocking}"


async def small_tap_targets(page: Any) -> list[str]:
    """Visible buttons, links, selects and inputs smaller than 44 x 44 px (inline text links,
    checkboxes and radios inside a 44 px label, and hidden file inputs excepted)."""
    return list(
        await page.evaluate(
            """() => [...document.querySelectorAll('button, a[href], select, input, [role="tab"]')]
                .filter((el) => {
                  const box = el.getBoundingClientRect();
                  if (box.width === 0 || box.height === 0) return false;
                  // Inside a closed <details> (or otherwise not rendered): not a target now.
                  if (!el.checkVisibility({ visibilityProperty: true })) return false;
                  const label = el.closest("label");
                  if (label && label.getBoundingClientRect().height >= 44) return false;
                  const inline = getComputedStyle(el).display === "inline";
                  // Links in a line of text, the map's attribution too (WCAG 2.5.8: inline).
                  const inText = "p, li, .msg-author, .leaflet-control-attribution";
                  if (el.matches("a") && inline && el.closest(inText)) return false;
                  if (el.matches(".skip-link, .visually-hidden")) return false;
                  return box.height < 44 || box.width < 44;
                })
                .map((el) => {
                  const box = el.getBoundingClientRect();
                  const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
                  const name = (el.textContent || el.getAttribute("aria-label") || "").trim();
                  return `${el.tagName.toLowerCase()}.${el.className} ${size} ${name.slice(0, 20)}`;
                })"""
        )
    )


async def korean_outside_brand(page: Any, brand: str, *, ignore: str = "") -> list[str]:
    """Hangul in the page's text and labels, apart from the brand, the language menu
    (which names each language in itself, 한국어 included) and what `ignore` selects
    (people's own words, e.g. questions shown on the landing page)."""
    texts: list[str] = await page.evaluate(
        """(ignore) => {
          const clone = document.body.cloneNode(true);
          const skip = ".lang-menu, script, style, noscript" + (ignore ? ", " + ignore : "");
          clone.querySelectorAll(skip).forEach((n) => n.remove());
          const names = ["aria-label", "placeholder", "title", "alt"];
          const attrs = [...clone.querySelectorAll("[aria-label], [placeholder], [title], [alt]")]
            .flatMap((el) => names.map((a) => el.getAttribute(a) || ""));
          return [clone.textContent || "", document.title, ...attrs];
        }""",
        ignore,
    )
    return [t for t in texts if HANGUL.search(t.replace(brand, ""))]


async def fits_at_double_text_size(page: Any, width: int) -> None:
    """Text at 200 %: nothing scrolls sideways and no text is cut off."""
    await page.evaluate("document.documentElement.style.fontSize = '200%'")
    try:
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        wide = await page.evaluate(
            """(w) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > w + 1)
                // What scrolls inside its own box (a wide table) does not widen the page.
                .filter((el) => {
                  for (let n = el.parentElement; n && n !== document.body; n = n.parentElement) {
                    if (["auto", "scroll", "hidden"].includes(getComputedStyle(n).overflowX)) {
                      return false;
                    }
                  }
                  return true;
                })
                .slice(0, 5).map((el) => {
                  const path = [];
                  for (let n = el; n && n !== document.body; n = n.parentElement) {
                    path.unshift(`${n.tagName}.${n.className}`);
                  }
                  return path.join(" > ");
                })""",
            width,
        )
        assert scroll <= width, f"{page.url}: {scroll}px wide at {width}px, text 200%: {wide}"
    finally:
        await page.evaluate("document.documentElement.style.fontSize = ''")


async def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Presses Tab until the focused element matches `selector` (keyboard only)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")
