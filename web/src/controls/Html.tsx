// html: the value as HTML, sanitized (DOMPurify): no script, no event handler attributes,
// no javascript: URLs. The original inserted it raw, so page content could run script.
import { useMemo } from "react";
import DOMPurify from "dompurify";
import { s, type ControlProps } from "./common";

const purify = DOMPurify(window);
// Links in page HTML must not reach back into this page's window.
purify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("target") === "_blank") node.setAttribute("rel", "noopener noreferrer");
});

export function sanitize(html: string): string {
  return purify.sanitize(html, { FORBID_TAGS: ["style", "form", "iframe", "object", "embed"] });
}

export default function Html({ control: c }: ControlProps) {
  const value = s(c, "value") ?? "";
  const clean = useMemo(() => sanitize(value), [value]);
  return <div data-pglet-id={c.i} className="pglet-html" dangerouslySetInnerHTML={{ __html: clean }} />;
}
