import { describe, expect, it } from "vitest";
import { clusterPins } from "./cluster";

const SEONGSAN = { lat: 33.4586, lng: 126.9425 };

describe("clusterPins", () => {
  const near = (n: number, answered: boolean) =>
    Array.from({ length: n }, (_, i) => ({ id: `${answered ? "a" : "o"}${i}`, lat: SEONGSAN.lat + i * 0.0002, lng: SEONGSAN.lng, answered }));

  it("groups nearby markers into one bubble with a count", () => {
    const clusters = clusterPins(near(4, false), 13);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.pins).toHaveLength(4);
  });

  it("keeps open and answered questions apart", () => {
    const clusters = clusterPins([...near(3, false), ...near(2, true)], 13);
    expect(clusters.map((c) => [c.answered, c.pins.length]).sort()).toEqual([
      [false, 3],
      [true, 2],
    ]);
  });

  it("splits the bubble when zoomed in far enough", () => {
    expect(clusterPins(near(4, false), 19).length).toBeGreaterThan(1);
  });

  it("keeps far places apart", () => {
    const far = [{ id: "x", lat: 33.25, lng: 126.56, answered: false }, ...near(1, false)];
    expect(clusterPins(far, 12)).toHaveLength(2);
  });
});
