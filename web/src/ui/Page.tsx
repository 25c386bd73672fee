// The page control: theme, title, layout, and the page's two-way props (hash, window size).
import { useEffect, useMemo } from "react";
import { Stack, ThemeProvider } from "@fluentui/react";
import { useControl, store } from "../store/store";
import { sendEvent, writeProps, conn } from "../conn/connection";
import { buildTheme } from "../util/theme";
import { isTrue, str } from "../util/props";
import { Children } from "../controls/ControlsList";
import { stackProps } from "../controls/Stack";
import { SigninDialog } from "./SigninDialog";

const hashOf = () => decodeURIComponent(location.hash.replace(/^#/, ""));

export function usePageTheme() {
  const page = useControl("page");
  const args = [str(page?.theme), str(page?.themeprimarycolor), str(page?.themetextcolor), str(page?.themebackgroundcolor)] as const;
  return useMemo(() => buildTheme(...args), args); // eslint-disable-line react-hooks/exhaustive-deps
}

function usePageEvents() {
  useEffect(() => {
    const onHash = () => {
      const h = hashOf();
      // The host's own `set page hash=` lands here too: only a user's change is reported.
      if (h === (str(store.get("page")?.hash) ?? "")) return;
      writeProps([{ i: "page", hash: h }]);
      sendEvent("page", "hashChange", h);
    };
    let t: ReturnType<typeof setTimeout> | undefined;
    const onResize = () => {
      clearTimeout(t);
      t = setTimeout(() => {
        const w = String(window.innerWidth), h = String(window.innerHeight);
        const p = store.get("page");
        if (p && p.winwidth === w && p.winheight === h) return;
        writeProps([{ i: "page", winwidth: w, winheight: h }]);
        sendEvent("page", "resize", `${w} ${h}`);
      }, 250);
    };
    window.addEventListener("hashchange", onHash);
    window.addEventListener("resize", onResize);
    return () => {
      window.removeEventListener("hashchange", onHash);
      window.removeEventListener("resize", onResize);
      clearTimeout(t);
    };
  }, []);
}

export function Page() {
  const page = useControl("page");
  const theme = usePageTheme();
  usePageEvents();
  const title = str(page?.title);
  useEffect(() => {
    document.title = title ?? `${conn.pageName} - Pglet`;
  }, [title]);
  useEffect(() => {
    document.documentElement.style.background = theme.semanticColors.bodyBackground;
    document.documentElement.style.colorScheme = theme.isInverted ? "dark" : "light";
  }, [theme]);
  const hash = str(page?.hash);
  useEffect(() => {
    if (hash !== undefined && hash !== hashOf()) location.hash = hash;
  }, [hash]);
  if (!page) return null;
  const props = stackProps(page, theme, { gap: "10", padding: "10px", width: "100%" });
  const root = (props.styles as { root: Record<string, string> }).root;
  root.boxSizing = "border-box";
  root.minHeight = "100%";
  if (!isTrue(page.verticalfill)) delete root.minHeight;
  props.horizontalAlign ??= "start";
  props.verticalAlign ??= "start";
  return (
    <ThemeProvider
      theme={theme}
      applyTo="body"
      // The document scrolls (not an inner box), so mobile browsers and full-page captures behave.
      style={{ ...(isTrue(page.verticalfill) ? { height: "100%" } : { minHeight: "100%" }), background: theme.semanticColors.bodyBackground }}
    >
      <Stack {...props} data-pglet-page={conn.pageName}>
        {page.visible !== "false" && <Children control={page} parentDisabled={isTrue(page.disabled)} />}
      </Stack>
      {str(page.signin) && <SigninDialog page={page} />}
    </ThemeProvider>
  );
}
