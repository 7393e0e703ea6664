// The asker's routing progress in the room ([13]): "현지인 5명에게 물었어요 · 2명이 봤어요" …
// Hidden until the server sends figures, so an older server shows nothing.

import { realtime } from "../app";
import { h, replaceChildren } from "../dom";
import { t } from "../i18n";
import { parseProgress, progressLines, type QuestionProgress } from "../state/progress";

export interface ProgressPanel {
  el: HTMLElement;
  /** Figures from GET /api/questions/{id} (`progress`), or null. */
  set(raw: unknown): void;
  destroy(): void;
}

export function progressPanel(questionId: string): ProgressPanel {
  const el = h("div", { class: "progress-panel", role: "status", "data-testid": "question-progress", hidden: true });
  let current: QuestionProgress | null = null;
  const render = (): void => {
    const lines = progressLines(current);
    el.hidden = lines.length === 0;
    // What comes next (widening, holding, answered, exhausted), for styles and tests.
    if (current?.next) el.dataset.next = current.next.what;
    else delete el.dataset.next;
    replaceChildren(
      el,
      lines.map((line) => h("p", { class: "progress-line", "data-key": line.key }, t(line.key, line.params))),
    );
  };
  const apply = (raw: unknown): void => {
    const next = parseProgress(raw, questionId);
    if (next && next.questionId !== questionId) return;
    current = next ?? current;
    render();
  };
  const stop = realtime.onLive<unknown>("question_progress", apply);
  return { el, set: apply, destroy: stop };
}
