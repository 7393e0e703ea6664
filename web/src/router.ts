// History-API routes. The server answers each of these paths with index.html
// (src/dongne/web/routes.py SPA_ROUTES must list the same ones).

export type Route =
  | { name: "home" }
  | { name: "login" }
  | { name: "signup" }
  | { name: "forgot" }
  | { name: "reset" }
  | { name: "ask" }
  | { name: "room"; questionId: string }
  | { name: "person"; userId: string }
  | { name: "notifications" }
  | { name: "settings" }
  | { name: "profile" }
  | { name: "notFound" };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  switch (path) {
    case "/":
      return { name: "home" };
    case "/login":
      return { name: "login" };
    case "/signup":
      return { name: "signup" };
    case "/forgot":
      return { name: "forgot" };
    case "/reset":
      return { name: "reset" };
    case "/ask":
      return { name: "ask" };
    case "/notifications":
      return { name: "notifications" };
    case "/settings":
      return { name: "settings" };
    case "/profile":
      return { name: "profile" };
  }
  const room = /^\/q\/([A-Za-z0-9_-]{1,40})$/.exec(path);
  if (room?.[1]) return { name: "room", questionId: room[1] };
  const person = /^\/u\/([A-Za-z0-9_-]{1,40})$/.exec(path);
  if (person?.[1]) return { name: "person", userId: person[1] };
  return { name: "notFound" };
}

export function roomPath(questionId: string): string {
  return `/q/${encodeURIComponent(questionId)}`;
}

type Listener = (route: Route) => void;
const listeners = new Set<Listener>();

export function currentRoute(): Route {
  return parseRoute(location.pathname);
}

export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search) {
    for (const listener of listeners) listener(currentRoute());
    return;
  }
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  for (const listener of listeners) listener(currentRoute());
}

export function onRoute(listener: Listener): void {
  listeners.add(listener);
}

export function startRouter(): void {
  window.addEventListener("popstate", () => {
    for (const listener of listeners) listener(currentRoute());
  });
  // Same-origin links navigate in place.
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target;
    if (!(target instanceof Element)) return;
    const anchor = target.closest("a");
    if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || parseRoute(url.pathname).name === "notFound") return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
