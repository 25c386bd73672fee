// linechart: every `data` child is one line; x is a number or a date.
import { LineChart as FChart, type IChartProps, type ILineChartPoints } from "@fluentui/react-charting";
import { useTheme } from "@fluentui/react";
import { defaultPixels, int, isTrue, num, str } from "../../util/props";
import { themeColor } from "../../util/theme";
import type { ControlProps } from "../common";
import { cycle, points, series, useWidth, yFormat, useChart } from "./common";

export default function LineChart({ control }: ControlProps) {
  const theme = useTheme();
  const c = useChart(control);
  const [ref, width] = useWidth();
  const dates = (str(c.xtype) ?? "number").toLowerCase() === "date";
  const fmt = yFormat(str(c.yformat));
  const p = theme.palette;
  const palette = [p.themeDark, p.themePrimary, p.themeTertiary, p.themeLighter];
  const ticks: (number | Date)[] = [];
  const lines: ILineChartPoints[] = series(c).map((d, i) => ({
    legend: str(d.legend) ?? "",
    color: themeColor(theme, str(d.color)) ?? cycle(palette, i),
    data: points(d).map((pt) => {
      const x = dates ? new Date(str(pt.x) ?? 0) : (num(str(pt.x)) ?? 0);
      const y = num(str(pt.y)) ?? 0;
      if (str(pt.tick) !== undefined) ticks.push(x);
      return {
        x,
        y,
        legend: str(pt.legend),
        xAxisCalloutData: str(pt.xtooltip) ?? (dates ? (x as Date).toLocaleString() : String(x)),
        yAxisCalloutData: str(pt.ytooltip) ?? (fmt ? fmt(y) : String(y)),
      };
    }),
  }));
  const data: IChartProps = { lineChartData: lines };
  const height = num(str(c.height)) ?? 300;
  const all = lines.flatMap((l) => l.data.map((d) => d.y));
  return (
    <div ref={ref} data-pglet-id={c.i} style={{ width: defaultPixels(str(c.width)) ?? "100%", height }}>
      {width > 0 && (
        <FChart
          data={data}
          width={width}
          height={height}
          strokeWidth={int(str(c.strokewidth)) ?? 2}
          yMinValue={num(str(c.ymin))}
          yMaxValue={num(str(c.ymax)) ?? (all.length ? Math.max(...all) : undefined)}
          yAxisTickCount={int(str(c.yticks)) ?? 1}
          yAxisTickFormat={fmt}
          tickValues={ticks.length ? (ticks as number[]) : undefined}
          hideLegend={!isTrue(c.legend)}
          hideTooltip={!isTrue(c.tooltips)}
        />
      )}
    </div>
  );
}
