// tabs / tab: Fluent Pivot; each tab's children are its content. `change` → the tab key.
import { Pivot, PivotItem, Stack } from "@fluentui/react";
import { useControls } from "../store/store";
import type { Control } from "../store/types";
import { str } from "../util/props";
import { Children } from "./ControlsList";
import { commonStyles, defaultPixels, isDisabled, isTrue, s, type ControlProps, commit } from "./common";

const tabKey = (t: Control) => str(t.key) ?? str(t.text) ?? t.i;

export default function Tabs({ control: c, parentDisabled }: ControlProps) {
  const records = useControls(c.children ? [] : (c.c ?? []));
  const tabs = (c.children ?? records).filter((t) => String(t.t).toLowerCase() === "tab" && t.visible !== "false");
  const disabled = isDisabled(c, parentDisabled);
  const value = s(c, "value");
  const selected = tabs.find((t) => tabKey(t) === value) ?? tabs[0];
  const root = commonStyles(c, ["width", "height", "padding"]);
  const margin = defaultPixels(s(c, "margin"));
  return (
    <div style={{ ...root, marginBottom: margin }} data-pglet-id={c.i}>
      <Pivot
        selectedKey={selected ? tabKey(selected) : null}
        linkFormat={isTrue(c.solid) ? "tabs" : "links"}
        headersOnly
        overflowBehavior="menu"
        onLinkClick={(item) => {
          const k = item?.props.itemKey;
          if (k === undefined || k === value) return;
          commit(c, k);
        }}
      >
        {tabs.map((t) => {
          const count = str(t.count);
          return (
            <PivotItem
              key={t.i}
              itemKey={tabKey(t)}
              headerText={str(t.text) ?? tabKey(t)}
              itemIcon={str(t.icon)}
              itemCount={count !== undefined ? (Number.isFinite(Number(count)) ? Number(count) : count) : undefined}
              headerButtonProps={{ "data-pglet-id": t.i, disabled: disabled || isTrue(t.disabled) }}
            />
          );
        })}
      </Pivot>
      {selected && (
        <Stack tokens={{ childrenGap: 10 }} styles={{ root: { paddingTop: 4 } }}>
          <TabBody tab={selected} parentDisabled={disabled} />
        </Stack>
      )}
    </div>
  );
}

function TabBody({ tab, parentDisabled }: { tab: Control; parentDisabled: boolean }) {
  return <Children control={tab} parentDisabled={parentDisabled || isTrue(tab.disabled)} />;
}
