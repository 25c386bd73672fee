// Which page a URL shows: `/` → p/index, `/p/name` and `/account/name` → that page,
// `/name` → p/name.
export function pageNameFromPath(pathname: string): string {
  const parts = pathname
    .split("/")
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts.length === 0) return "p/index";
  if (parts.length === 1) return `p/${parts[0]}`.toLowerCase();
  // Page names are stored lower-cased; the original sent the path verbatim, so /P/QD found nothing.
  return `${parts[0]}/${parts[1]}`.toLowerCase();
}
