// Reading Pglet's string-typed properties: booleans, sizes, numbers, lists.

/** `"true"` in any case. */
export const isTrue = (v: unknown): boolean => typeof v === "string" && v.toLowerCase() === "true";
/** `"false"` in any case (absent is not false). */
export const isFalse = (v: unknown): boolean => typeof v === "string" && v.toLowerCase() === "false";

const bareNumber = /^-?\d+(\.\d+)?$/;

/**
 * A CSS size: a bare number gets `px`. Unlike the original, each bare number of a multi-value
 * string (`"2 0 2 0"`, a common padding) gets it too, instead of producing invalid CSS.
 */
export function defaultPixels(v: string | undefined): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const s = String(v).trim();
  if (bareNumber.test(s)) return s + "px";
  if (/\s/.test(s) && s.split(/\s+/).every((p) => bareNumber.test(p) || /^[\d.]+[a-z%]+$/i.test(p) || p === "auto")) {
    return s
      .split(/\s+/)
      .map((p) => (bareNumber.test(p) ? p + "px" : p))
      .join(" ");
  }
  return s;
}

/** A number, or `undefined` when absent or not a number. Fractions are kept. */
export function num(v: string | undefined): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** An integer (floor of a number), or `undefined`. */
export function int(v: string | undefined): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : Math.trunc(n);
}

/** DOM id of a control: `:` is not valid in a CSS selector without escaping. */
export const domId = (id: string): string => id.replace(/:/g, "_");

/** Property value or `undefined` for absent/empty. */
export const str = (v: unknown): string | undefined =>
  v === undefined || v === null || v === "" ? undefined : String(v);
