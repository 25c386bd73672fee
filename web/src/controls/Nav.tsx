// nav / item: Fluent Nav. Top-level items are collapsible groups, deeper items links
// (which nest). `change` → the selected key; `expand`/`collapse` → the item's key.
import { Nav as FNav, useTheme, type INavLink, type INavLinkGroup, type Theme } from "@fluentui/react";
import { useSubtree } from "../store/store";
import type { Control } from "../store/types";
import { isTrue, str } from "../util/props";
import { themeColor } from "../util/theme";
import { sendEvent, writeProps } from "../conn/connection";
import { isDisabled, s, type ControlProps, commit } from "./common";
import { kids } from "./menu";

const key = (i: Control) => str(i.key) ?? str(i.text) ?? i.i;

function link(i: Control, theme: Theme, disabled: boolean): INavLink {
  const icon = str(i.icon);
  const color = themeColor(theme, str(i.iconcolor));
  return {
    key: key(i),
    name: str(i.text) ?? key(i),
    url: str(i.url) ?? "",
    target: isTrue(i.newwindow) ? "_blank" : undefined,
    title: str(i.title),
    icon,
    iconProps: icon ? { iconName: icon, style: color ? { color } : undefined } : undefined,
    disabled: disabled || isTrue(i.disabled),
    isExpanded: isTrue(i.expanded),
    links: kids(i, "item").map((x) => link(x, theme, disabled)),
    record: i,
  };
}

/** Flips an item's `expanded` (groups start expanded, links collapsed) and tells the host. */
function toggle(nav: string, i: Control, startsExpanded: boolean) {
  const now = i.expanded === undefined ? startsExpanded : isTrue(i.expanded);
  const next = !now;
  writeProps([{ i: i.i, expanded: next ? "true" : "false" }]);
  // The nav fires it (Python's Nav.on_expand), naming the item by its key.
  sendEvent(nav, next ? "expand" : "collapse", key(i));
}

export default function Nav({ control, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const tree = useSubtree(control.i);
  const c = control.children ? control : (tree ?? control);
  const disabled = isDisabled(c, parentDisabled);
  const top = kids(c, "item");
  const groups: INavLinkGroup[] = top.map((g) => ({
    name: str(g.text),
    isExpanded: g.expanded === undefined || isTrue(g.expanded),
    links: kids(g, "item").map((x) => link(x, theme, disabled)),
    // Fixed: a group header's expand/collapse names the group (the original sent the nav's value).
    onHeaderClick: () => toggle(c.i, g, true),
  }));
  const value = s(c, "value");
  const root: Record<string, string> = {};
  for (const k of ["width", "height", "padding", "margin"]) if (s(c, k)) root[k] = s(c, k)!;
  return (
    <div data-pglet-id={c.i}>
    <FNav
      groups={groups}
      selectedKey={value}
      styles={{ root }}
      onLinkClick={(ev, item) => {
        if (!item || item.disabled) return;
        if (!item.url) ev?.preventDefault();
        const k = String(item.key);
        if (k === value) return;
        commit(c, k);
      }}
      onLinkExpandClick={(ev, item) => {
        ev?.preventDefault();
        const rec = item?.record as Control | undefined;
        if (rec) toggle(c.i, rec, false);
      }}
    />
    </div>
  );
}
