// Theme building from the page's theme props, and color names resolved against it.
import { createTheme, getColorFromString, isDark, SharedColors, type Theme } from "@fluentui/react";
import { BaseSlots, ThemeGenerator, themeRulesStandardCreator } from "@fluentui/react/lib/ThemeGenerator";

const defaults = {
  light: { primary: "#6529d6", text: "#020203", background: "#ffffff" },
  dark: { primary: "#8f87ff", text: "#d0d4d9", background: "#24292e" },
};

const cache = new Map<string, Theme>();

/** A full Fluent theme generated from three colors (page `theme`, `themePrimaryColor`...). */
export function buildTheme(mode: string | undefined, primary?: string, text?: string, background?: string): Theme {
  const base = (mode ?? "").toLowerCase() === "dark" ? defaults.dark : defaults.light;
  const p = primary || base.primary;
  const t = text || base.text;
  const b = background || base.background;
  const key = [p, t, b].join("|");
  const hit = cache.get(key);
  if (hit) return hit;
  const rules = themeRulesStandardCreator();
  const bg = getColorFromString(b) ?? getColorFromString(base.background)!;
  const inverted = isDark(bg);
  ThemeGenerator.insureSlots(rules, inverted);
  const set = (slot: BaseSlots, value: string, fallback: string) =>
    ThemeGenerator.setSlot(
      rules[BaseSlots[slot]],
      getColorFromString(value) ?? getColorFromString(fallback)!,
      inverted,
      true,
      true,
    );
  set(BaseSlots.primaryColor, p, base.primary);
  set(BaseSlots.foregroundColor, t, base.text);
  set(BaseSlots.backgroundColor, b, base.background);
  const palette = ThemeGenerator.getThemeAsJson(rules);
  const theme = createTheme({ palette, isInverted: inverted });
  if (inverted) {
    // Fluent's message bar tints are made for white pages; on a dark page they glare.
    const s = theme.semanticColors;
    s.infoBackground = "#2b3036";
    s.errorBackground = "#442726";
    s.blockingBackground = "#442726";
    s.severeWarningBackground = "#4f2a0f";
    s.warningBackground = "#433519";
    s.successBackground = "#393d1b";
    s.messageText = palette.neutralPrimary;
    s.messageLink = palette.themePrimary;
  }
  cache.set(key, theme);
  return theme;
}

const shared = new Map<string, string>(
  Object.entries(SharedColors).map(([k, v]) => [k.toLowerCase(), v as string]),
);

/** A color name: a theme palette slot, then a Fluent shared color, else CSS as written. */
export function themeColor(theme: Theme, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(theme.palette)) {
    if (k.toLowerCase() === lower) return v as string;
  }
  return shared.get(lower) ?? name;
}
