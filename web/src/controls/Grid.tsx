// grid / columns / column / items / item: Fluent ShimmeredDetailsList with selection,
// browser-side sorting and cell templates (a column's child controls, cloned per row).
import { useEffect, useMemo, useRef } from "react";
import {
  CheckboxVisibility,
  DetailsListLayoutMode,
  Selection,
  SelectionMode,
  ShimmeredDetailsList,
  type IColumn,
} from "@fluentui/react";
import { useSubtree } from "../store/store";
import type { Control } from "../store/types";
import { int, isTrue, str } from "../util/props";
import { sendEvent, writeProps } from "../conn/connection";
import { Children } from "./ControlsList";
import { commonStyles, isDisabled, type ControlProps } from "./common";
import { kids } from "./menu";

type Row = { key: string; index: number; fields: Record<string, string> };

const SYSTEM = new Set(["i", "t", "p", "c", "at", "f", "children"]);

/** A template control cloned for one row: `{field}` placeholders filled from the row. */
export function cloneTemplate(t: Control, row: Row): Control {
  const out: Control = { ...t, children: (t.children ?? []).map((ch) => cloneTemplate(ch, row)) };
  for (const [k, v] of Object.entries(t)) {
    if (SYSTEM.has(k) || typeof v !== "string" || !v.includes("{")) continue;
    const whole = /^\{([\w-]+)\}$/.exec(v);
    if (k === "value" && whole) {
      const field = whole[1].toLowerCase();
      out.value = row.fields[field];
      // Edits in this cell write the item's field (the grid's binding redirect).
      out.f = `${row.key}|${field}`;
    } else {
      out[k] = v.replace(/\{([\w-]+)\}/g, (_, f: string) => row.fields[f.toLowerCase()] ?? (f.toLowerCase() === "id" ? row.key : ""));
    }
  }
  if (!out.f) out.f = `${row.key}:${t.i}`;
  return out;
}

function rowsOf(items: Control[]): Row[] {
  return items.map((it, index) => {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(it)) if (!SYSTEM.has(k) && typeof v === "string") fields[k.toLowerCase()] = v;
    return { key: it.i, index, fields };
  });
}

function sortRows(rows: Row[], cols: Control[]): Row[] {
  const col = cols.find((c) => ["asc", "desc"].includes((str(c.sorted) ?? "").toLowerCase()));
  if (!col) return rows;
  const field = (str(col.sortfield) ?? str(col.fieldname) ?? "").toLowerCase();
  const numeric = (str(col.sortable) ?? "").toLowerCase() === "number";
  const dir = str(col.sorted)!.toLowerCase() === "desc" ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a.fields[field] ?? "", y = b.fields[field] ?? "";
    const r = numeric ? (Number(x) || 0) - (Number(y) || 0) : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
    return r * dir;
  });
}

const sortable = (c: Control) => c.sortable !== undefined && (str(c.sortable) ?? "false").toLowerCase() !== "false";

export default function Grid({ control, parentDisabled }: ControlProps) {
  const tree = useSubtree(control.i);
  const g = control.children ? control : (tree ?? control);
  const disabled = isDisabled(g, parentDisabled);
  // Fixed: no crash without `columns` or `items` (text-protocol pages may omit them).
  const cols = kids(kids(g, "columns")[0], "column");
  const items = (kids(g, "items")[0]?.children ?? []).filter((x) => String(x.t).toLowerCase() === "item");
  const rows = useMemo(() => sortRows(rowsOf(items), cols), [g]); // eslint-disable-line react-hooks/exhaustive-deps
  const mode = (str(g.selection) ?? "").toLowerCase();
  const selMode = mode === "single" ? SelectionMode.single : mode === "multiple" ? SelectionMode.multiple : SelectionMode.none;

  const applying = useRef(false);
  const gridRef = useRef(g);
  gridRef.current = g;
  const selection = useMemo(
    () =>
      new Selection({
        getKey: (r) => (r as Row).key,
        onSelectionChanged: () => {
          if (applying.current) return;
          const sel = selection.getSelection() as unknown as Row[];
          // Indices are in the host's item order, so they stay right after a sort.
          const indices = sel.map((r) => r.index).sort((a, b) => a - b).join(" ");
          const cur = gridRef.current;
          if ((str(cur.selectedindices) ?? "") === indices) return;
          writeProps([{ i: cur.i, selectedindices: indices }]);
          sendEvent(cur.i, "select", [...sel].sort((a, b) => a.index - b.index).map((r) => r.key).join(" "));
        },
      }),
    [],
  );

  const wanted = str(g.selectedindices) ?? "";
  useEffect(() => {
    applying.current = true;
    selection.setChangeEvents(false);
    selection.setItems(rows as never[], false);
    const want = new Set(wanted.split(/\s+/).filter(Boolean).map(Number));
    for (const r of rows) selection.setKeySelected(r.key, want.has(r.index), false);
    selection.setChangeEvents(true);
    applying.current = false;
  }, [rows, wanted, selection]);

  const columns: IColumn[] = cols.map((col) => {
    const field = (str(col.fieldname) ?? "").toLowerCase();
    const sorted = (str(col.sorted) ?? "").toLowerCase();
    const templates = col.children ?? [];
    return {
      key: col.i,
      name: str(col.name) ?? str(col.fieldname) ?? "",
      fieldName: field,
      iconName: str(col.icon),
      isIconOnly: isTrue(col.icononly),
      minWidth: int(str(col.minwidth)) ?? 50,
      maxWidth: int(str(col.maxwidth)),
      isResizable: isTrue(col.resizable),
      isSorted: sorted === "asc" || sorted === "desc",
      isSortedDescending: sorted === "desc",
      headerClassName: `pglet-col-${col.i.replace(/[^\w-]/g, "_")}`,
      onColumnClick: () => {
        if (isTrue(col.onclick)) {
          // Fixed: the click names the column (the original sent the grid id and data).
          sendEvent(col.i, "click", str(col.data) ?? "");
          return;
        }
        if (!sortable(col)) return;
        // First click sorts ascending, the next toggles; every other column becomes unsorted.
        const next = sorted === "asc" ? "desc" : "asc";
        writeProps(cols.map((x) => ({ i: x.i, sorted: x.i === col.i ? next : "false" })));
      },
      onRender: (row?: Row) => {
        if (!row) return null;
        if (templates.length) {
          const holder: Control = { i: `${row.key}:${col.i}`, t: "stack", p: "", children: templates.map((t) => cloneTemplate(t, row)) };
          return <Children control={holder} parentDisabled={disabled} />;
        }
        return <span>{row.fields[field] ?? ""}</span>;
      },
    };
  });

  const shimmer = int(str(g.shimmerlines)) ?? 0;
  const root = commonStyles(g, ["height", "padding", "margin"]);
  root.width = "100%";
  if (root.height) root.overflowY = "auto";
  return (
    <div style={root} data-pglet-id={g.i}>
      <ShimmeredDetailsList
        items={rows}
        columns={columns}
        setKey={g.i}
        getKey={(r: Row) => r.key}
        selection={selection}
        selectionMode={selMode}
        checkboxVisibility={selMode === SelectionMode.none ? CheckboxVisibility.hidden : CheckboxVisibility.onHover}
        selectionPreservedOnEmptyClick={isTrue(g.preserveselection)}
        compact={isTrue(g.compact)}
        isHeaderVisible={g.headervisible === undefined || isTrue(g.headervisible)}
        layoutMode={DetailsListLayoutMode.justified}
        enableShimmer={shimmer > 0 && rows.length === 0}
        shimmerLines={shimmer || undefined}
        onItemInvoked={(r: Row) => sendEvent(g.i, "itemInvoke", r.key)}
        onShouldVirtualize={() => rows.length > 100}
      />
    </div>
  );
}
