// panel / footer: Fluent Panel (side sheet). Footer children sit at the bottom.
import { Panel as FPanel, PanelType, Stack } from "@fluentui/react";
import { Children, RecordList, useSlot } from "./ControlsList";
import { defaultPixels, isDisabled, isTrue, s, type ControlProps } from "./common";
import { dismiss } from "./Dialog";

const types: Record<string, PanelType> = {
  small: PanelType.smallFixedFar,
  smallleft: PanelType.smallFixedNear,
  medium: PanelType.medium,
  large: PanelType.large,
  largefixed: PanelType.largeFixed,
  extralarge: PanelType.extraLarge,
  fluid: PanelType.smallFluid,
  custom: PanelType.custom,
  customleft: PanelType.customNear,
};

export default function Panel({ control: c, parentDisabled }: ControlProps) {
  const disabled = isDisabled(c, parentDisabled);
  const { body, slot: footer } = useSlot(c, "footer");
  const type = types[(s(c, "type") ?? "small").toLowerCase()] ?? PanelType.smallFixedFar;
  const custom = type === PanelType.custom || type === PanelType.customNear;
  return (
    <FPanel
      isOpen={isTrue(c.open)}
      headerText={s(c, "title")}
      type={type}
      customWidth={custom ? defaultPixels(s(c, "width")) : undefined}
      isLightDismiss={isTrue(c.lightdismiss)}
      // Blocking unless blocking=false (the docs' and Fluent's default; the original client
      // defaulted to false, which also made lightDismiss do nothing).
      isBlocking={c.blocking === undefined || isTrue(c.blocking)}
      isFooterAtBottom
      onDismiss={() => dismiss(c)}
      layerProps={{ className: `pglet-panel-${c.i.replace(/[^\w-]/g, "_")}` }}
      onRenderFooterContent={
        footer
          ? () => (
              <Stack horizontal tokens={{ childrenGap: 10 }}>
                <Children control={footer} parentDisabled={disabled || isTrue(footer.disabled)} />
              </Stack>
            )
          : undefined
      }
    >
      <Stack tokens={{ childrenGap: 10 }}>
        <RecordList list={body} parentDisabled={disabled} detached={!!c.children} />
      </Stack>
    </FPanel>
  );
}
