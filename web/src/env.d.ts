/// <reference types="vite/client" />

declare module "virtual:jeju-hotspots" {
  const hotspots: import("./hotspots").Hotspot[];
  export default hotspots;
}

declare module "virtual:jeju-regions" {
  const regions: import("./hotspots").Region[];
  export default regions;
}
