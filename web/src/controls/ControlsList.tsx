// Turns child ids (or detached child records) into components. Each store-backed child
// subscribes to its own record, so a change re-renders that child alone.
import { memo } from "react";
import { MessageBar, MessageBarType } from "@fluentui/react";
import { useControl, useControls } from "../store/store";
import type { Control } from "../store/types";
import { isFalse } from "../util/props";
import { registry } from "./registry";

/** Render counts per control id, when a test asks for them (window.__pgletRenders = {}). */
const renders = (window as unknown as { __pgletRenders?: Record<string, number> }).__pgletRenders;

const ControlView = memo(function ControlView({ control, parentDisabled }: { control: Control; parentDisabled: boolean }) {
  if (renders) renders[control.i] = (renders[control.i] ?? 0) + 1;
  if (isFalse(control.visible)) return null;
  const C = registry[String(control.t).toLowerCase()];
  if (!C) {
    return <MessageBar messageBarType={MessageBarType.error}>Unknown control: {String(control.t)}</MessageBar>;
  }
  return <C control={control} parentDisabled={parentDisabled} />;
});

const StoreControl = memo(function StoreControl({ id, parentDisabled }: { id: string; parentDisabled: boolean }) {
  const c = useControl(id);
  return c ? <ControlView control={c} parentDisabled={parentDisabled} /> : null;
});

/** The children of `control`: detached records when it has them, else its `c` ids. */
export function Children({ control, parentDisabled }: { control: Control; parentDisabled: boolean }) {
  if (control.children) {
    const list = control.children;
    return (
      <>
        {list.map((c) => (
          <ControlView key={String(c.f ?? c.i)} control={c} parentDisabled={parentDisabled} />
        ))}
      </>
    );
  }
  return <IdList ids={control.c ?? []} parentDisabled={parentDisabled} />;
}

export function IdList({ ids, parentDisabled }: { ids: string[]; parentDisabled: boolean }) {
  return (
    <>
      {ids.map((id) => (
        <StoreControl key={id} id={id} parentDisabled={parentDisabled} />
      ))}
    </>
  );
}

export { ControlView, StoreControl };

/**
 * Children split by type: a child of type `slot` (dialog/panel `footer`) apart from the rest.
 * Works for both store-backed and detached controls.
 */
export function useSlot(control: Control, slot: string): { body: Control[]; slot?: Control } {
  const records = useControls(control.children ? [] : (control.c ?? []));
  const list = control.children ?? records;
  const body = list.filter((c) => String(c.t).toLowerCase() !== slot);
  return { body, slot: list.find((c) => String(c.t).toLowerCase() === slot) };
}

/** Renders records (already read) as controls. */
export function RecordList({ list, parentDisabled, detached }: { list: Control[]; parentDisabled: boolean; detached: boolean }) {
  return (
    <>
      {list.map((c) =>
        detached ? (
          <ControlView key={String(c.f ?? c.i)} control={c} parentDisabled={parentDisabled} />
        ) : (
          <StoreControl key={c.i} id={c.i} parentDisabled={parentDisabled} />
        ),
      )}
    </>
  );
}
