// Picking and uploading photos (POST /api/uploads), up to a limit, with previews.

import { humanError } from "../errors";
import { api } from "../api";
import { h, replaceChildren } from "../dom";
import { t } from "../i18n";

export interface ImagePicker {
  el: HTMLElement;
  input: HTMLInputElement;
  ids(): string[];
  busy(): boolean;
  clear(): void;
}

interface Picked {
  id: string;
  url: string;
}

/** The input is visually hidden; put a `<label for=input.id class="button">` right after it. */
export function imagePicker(inputId: string, max = 5): ImagePicker {
  let picked: Picked[] = [];
  let uploading = 0;
  const previews = h("ul", { class: "thumbs", "aria-live": "polite" });
  const status = h("p", { class: "hint", role: "status" });
  const input = h("input", {
    type: "file",
    id: inputId,
    accept: "image/jpeg,image/png,image/webp",
    multiple: true,
    class: "visually-hidden file-input",
  });

  const render = (): void => {
    replaceChildren(
      previews,
      picked.map((p) =>
        h(
          "li",
          {},
          h("img", { src: p.url, alt: "", width: 64, height: 64 }),
          h(
            "button",
            {
              type: "button",
              class: "thumb-remove",
              "aria-label": t("imageRemove"),
              onclick: () => {
                picked = picked.filter((x) => x.id !== p.id);
                render();
              },
            },
            "×",
          ),
        ),
      ),
    );
    status.textContent = uploading ? t("imageUploading") : "";
  };

  input.addEventListener("change", async () => {
    const files = [...(input.files ?? [])].slice(0, Math.max(0, max - picked.length));
    input.value = "";
    uploading += files.length;
    render();
    await Promise.all(
      files.map(async (file) => {
        try {
          const uploaded = await api.upload(file);
          picked = [...picked, { id: uploaded.imageId, url: uploaded.url }].slice(0, max);
        } catch (e) {
          status.textContent = humanError(e);
        } finally {
          uploading -= 1;
        }
      }),
    );
    render();
  });

  return {
    el: h("div", { class: "images" }, previews, status),
    input,
    ids: () => picked.map((p) => p.id),
    busy: () => uploading > 0,
    clear: () => {
      picked = [];
      render();
    },
  };
}
