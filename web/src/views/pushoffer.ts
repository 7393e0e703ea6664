// "답변이 오면 알려 드릴까요?": the push offer shown in the asker's room right after posting.

import { h } from "../dom";
import { t } from "../i18n";
import { currentPushSubscription, enablePush, pushSupported } from "../push";
import { shouldOfferPush } from "../state/pushoffer";

const DECLINED_KEY = "dongne.pushOfferDeclinedAt";

/**
 * A card offering push, or null when it should not be asked now. `moment`: right after a
 * traveler posted, or when a local has just been verified (questions will come to them).
 */
export async function pushOfferCard(moment: "posted" | "verified" = "posted"): Promise<HTMLElement | null> {
  const supported = pushSupported();
  const declined = Number(localStorage.getItem(DECLINED_KEY));
  const offer = shouldOfferPush({
    supported,
    permission: supported ? Notification.permission : "unsupported",
    subscribed: supported ? (await currentPushSubscription().catch(() => null)) !== null : false,
    declinedAt: Number.isFinite(declined) && declined > 0 ? declined : null,
    now: Date.now(),
  });
  if (!offer) return null;
  const title = moment === "verified" ? "pushOfferVerifiedTitle" : "pushOfferTitle";
  const status = h("p", { class: "hint", role: "status", "data-testid": "push-offer-status" });
  const yes = h("button", { type: "button", class: "button small primary", "data-testid": "push-offer-yes" }, t("pushOfferYes"));
  const no = h("button", { type: "button", class: "button small", "data-testid": "push-offer-no" }, t("pushOfferNo"));
  const card = h(
    "div",
    { class: "card push-offer", role: "region", "aria-label": t(title), "data-testid": "push-offer" },
    h("strong", {}, t(title)),
    h("p", { class: "hint" }, t(moment === "verified" ? "pushOfferVerifiedBody" : "pushOfferBody")),
    h("div", { class: "row" }, yes, no),
    status,
  );
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    const result = await enablePush();
    if (result === "subscribed") {
      card.replaceChildren(h("p", { class: "note" }, t("pushOn")));
      return;
    }
    yes.disabled = false;
    status.textContent =
      result === "denied" ? t("pushDenied") : result === "unsupported" ? t("pushUnsupported") : t("pushFailed", { reason: result.failed });
  });
  no.addEventListener("click", () => {
    localStorage.setItem(DECLINED_KEY, String(Date.now()));
    card.remove();
  });
  return card;
}
