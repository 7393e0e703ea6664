// Inline SVG icons (no emoji: a fresh Linux machine may have no emoji font).

const SVG_NS = "http://www.w3.org/2000/svg";

const ICONS = {
  home: '<path d="M3 11l9-8 9 8"/><path d="M5 10v11h5v-6h4v6h5V10"/>',
  ask: '<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13 7l4 4"/>',
  bell: '<path d="M6 17v-6a6 6 0 0 1 12 0v6l2 2H4z"/><path d="M10 21h4"/>',
  settings:
    '<path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0"/><circle cx="16" cy="6" r="2"/><circle cx="10" cy="12" r="2"/><circle cx="18" cy="18" r="2"/>',
  user: '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
  camera: '<path d="M4 8h4l2-3h4l2 3h4v12H4z"/><circle cx="12" cy="14" r="3.5"/>',
  orange:
    '<circle cx="12" cy="14" r="8" fill="#f57c00" stroke="#a34a00"/><path d="M12 6c1-3 4-4 6-3-1 2-3 3-6 3z" fill="#2e7d32" stroke="#2e7d32"/>',
} as const;

export type IconName = keyof typeof ICONS;

export function icon(name: IconName, size = 22): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.innerHTML = ICONS[name];
  return svg;
}
