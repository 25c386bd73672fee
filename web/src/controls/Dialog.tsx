// dialog / footer: Fluent Dialog; non-footer children are the body, the footer's children
// the button row. Dismissing writes open=false (autoDismiss, default true) and fires `dismiss`.
import { Dialog as FDialog, DialogFooter, DialogType, Stack } from "@fluentui/react";
import { sendEvent, writeProps } from "../conn/connection";
import { Children, RecordList, useSlot } from "./ControlsList";
import { defaultPixels, isDisabled, isTrue, s, type ControlProps } from "./common";
import type { Control } from "../store/types";

const types: Record<string, DialogType> = {
  normal: DialogType.normal,
  largeheader: DialogType.largeHeader,
  close: DialogType.close,
};

/** Dismiss: close (unless the host keeps it open itself) and tell the host. */
export function dismiss(c: Control) {
  if (c.autodismiss === undefined || isTrue(c.autodismiss)) writeProps([{ i: c.i, open: "false" }]);
  sendEvent(c.i, "dismiss", s(c, "data") ?? "");
}

export default function Dialog({ control: c, parentDisabled }: ControlProps) {
  const disabled = isDisabled(c, parentDisabled);
  const { body, slot: footer } = useSlot(c, "footer");
  const detached = !!c.children;
  const height = defaultPixels(s(c, "height"));
  return (
    <FDialog
      hidden={!isTrue(c.open)}
      onDismiss={() => dismiss(c)}
      dialogContentProps={{
        type: types[(s(c, "type") ?? "normal").toLowerCase()] ?? DialogType.normal,
        title: s(c, "title"),
        subText: s(c, "subtext"),
      }}
      modalProps={{
        isBlocking: isTrue(c.blocking),
        topOffsetFixed: isTrue(c.fixedtop),
        layerProps: { className: `pglet-dialog-${c.i.replace(/[^\w-]/g, "_")}` },
        styles: height ? { main: { height } } : undefined,
      }}
      minWidth={defaultPixels(s(c, "width"))}
      maxWidth={defaultPixels(s(c, "maxwidth"))}
    >
      <Stack tokens={{ childrenGap: 10 }}>
        <RecordList list={body} parentDisabled={disabled} detached={detached} />
      </Stack>
      {/* Fixed: a dialog without a footer no longer crashes. */}
      {footer && (
        <DialogFooter>
          <Children control={footer} parentDisabled={disabled || isTrue(footer.disabled)} />
        </DialogFooter>
      )}
    </FDialog>
  );
}
