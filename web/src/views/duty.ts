// "지금 답변할 수 있어요" ([13] set_on_duty): a verified local marks themselves available for a
// while; the router asks them first and the mark lapses on its own.

import { realtime } from "../app";
import { h } from "../dom";
import { humanError } from "../errors";
import { lang, t } from "../i18n";
import { session } from "../session";
import { ON_DUTY_MINUTES, onDutyUntil } from "../state/duty";

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString(lang() === "ko" ? "ko-KR" : "en-GB", { hour: "2-digit", minute: "2-digit" });
}

export function onDutyCard(): HTMLElement {
  const until = onDutyUntil(session.user?.onDutyUntil, Date.now());
  const input = h("input", { type: "checkbox", checked: until !== null, "data-testid": "on-duty" });
  const status = h("p", { class: "hint", role: "status", "data-testid": "on-duty-status" });
  const show = (at: string | null): void => {
    status.textContent = at ? t("onDutyUntil", { time: clock(at) }) : t("onDutyHint", { minutes: ON_DUTY_MINUTES });
  };
  show(until);
  input.addEventListener("change", async () => {
    const on = input.checked;
    input.disabled = true;
    const ack = await realtime.request<{ onDutyUntil: string | null }>(
      "set_on_duty",
      on ? { on, minutes: ON_DUTY_MINUTES } : { on },
    );
    input.disabled = false;
    if (!ack.ok) {
      input.checked = !on;
      status.textContent = t("onDutyFailed", { reason: humanError(ack.error) });
      return;
    }
    const user = session.user;
    if (user) session.updateUser({ ...user, onDutyUntil: ack.onDutyUntil });
    input.checked = onDutyUntil(ack.onDutyUntil, Date.now()) !== null;
    show(input.checked ? ack.onDutyUntil : null);
  });
  return h(
    "div",
    { class: "field on-duty" },
    h("label", { class: "check" }, input, h("span", {}, t("onDutyLabel"))),
    status,
  );
}
