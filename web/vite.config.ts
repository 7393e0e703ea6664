// Vite builds the client into the Python package (src/dongne/static), which the server
// serves at `/`. The Jeju hotspot list is bundled from the server's own data file.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const HOTSPOTS_FILE = here("../src/dongne/regions/data/jeju_hotspots.json");
const REGIONS_FILE = here("../src/dongne/regions/data/jeju_regions.geojson");
const VIRTUAL_HOTSPOTS = "virtual:jeju-hotspots";
const VIRTUAL_REGIONS = "virtual:jeju-regions";

interface HotspotRecord {
  id: string;
  name_ko: string;
  name_en: string;
  category: string;
  lat: number;
  lng: number;
  region: string;
}

/**
 * `import hotspots from "virtual:jeju-hotspots"`: the hotspot list without its source notes;
 * `import regions from "virtual:jeju-regions"`: region codes and names, without polygons.
 */
function jejuHotspots(): Plugin {
  return {
    name: "dongne-jeju-data",
    resolveId(id) {
      return id === VIRTUAL_HOTSPOTS || id === VIRTUAL_REGIONS ? "\0" + id : null;
    },
    load(id) {
      if (id === "\0" + VIRTUAL_REGIONS) {
        this.addWatchFile(REGIONS_FILE);
        const geo = JSON.parse(readFileSync(REGIONS_FILE, "utf8")) as {
          features: { properties: { code: string; name_ko: string; name_en: string } }[];
        };
        const regions = geo.features.map(({ properties: p }) => ({
          code: p.code,
          nameKo: p.name_ko,
          nameEn: p.name_en,
        }));
        return `export default ${JSON.stringify(regions)};`;
      }
      if (id !== "\0" + VIRTUAL_HOTSPOTS) return null;
      this.addWatchFile(HOTSPOTS_FILE);
      const data = JSON.parse(readFileSync(HOTSPOTS_FILE, "utf8")) as { hotspots: HotspotRecord[] };
      const slim = data.hotspots.map((h) => ({
        id: h.id,
        nameKo: h.name_ko,
        nameEn: h.name_en,
        category: h.category,
        lat: h.lat,
        lng: h.lng,
        region: h.region,
      }));
      return `export default ${JSON.stringify(slim)};`;
    },
  };
}

/**
 * Writes `name.br` and `name.gz` beside every text file of the build, at the highest levels
 * (done once here, so the server only picks the file the browser accepts: web/routes.py).
 */
function precompress(): Plugin {
  const TEXT = /\.(js|css|html|svg|json|webmanifest)$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  return {
    name: "dongne-precompress",
    apply: "build",
    closeBundle() {
      for (const file of walk(here("../src/dongne/static")).filter((f) => TEXT.test(f))) {
        const data = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } }),
        );
      }
    },
  };
}

const backend = process.env.DONGNE_DEV_BACKEND ?? "http://127.0.0.1:8123";

export default defineConfig({
  plugins: [jejuHotspots(), precompress()],
  base: "/",
  build: {
    outDir: here("../src/dongne/static"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: {
        main: here("index.html"),
        // The admin dashboard (/admin): its own page, so its code stays out of the client's.
        admin: here("admin.html"),
        sw: here("src/sw.ts"),
      },
      output: {
        // The service worker must keep a fixed name at the site root to control `/`.
        entryFileNames: (chunk) => (chunk.name === "sw" ? "sw.js" : "assets/[name]-[hash].js"),
      },
    },
  },
  server: {
    // `npm run dev` against a running `dongne serve --port 8123`.
    proxy: {
      "/api": backend,
      "/media": backend,
      "/socket.io": { target: backend, ws: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
