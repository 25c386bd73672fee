// verticalbarchart: columns from the first `data` set; colors as a gradient list.
import { VerticalBarChart as FChart, type IVerticalBarChartDataPoint } from "@fluentui/react-charting";
import { useTheme } from "@fluentui/react";
import { defaultPixels, int, isTrue, num, str } from "../../util/props";
import { themeColor } from "../../util/theme";
import type { ControlProps } from "../common";
import { points, series, useWidth, yFormat, useChart } from "./common";

export default function VerticalBarChart({ control }: ControlProps) {
  const theme = useTheme();
  const c = useChart(control);
  const [ref, width] = useWidth();
  const numeric = (str(c.xtype) ?? "string").toLowerCase() === "number";
  const fmt = yFormat(str(c.yformat));
  const data: IVerticalBarChartDataPoint[] = points(series(c)[0]).map((p) => {
    const y = num(str(p.y)) ?? 0;
    return {
      x: numeric ? (num(str(p.x)) ?? 0) : (str(p.x) ?? ""),
      y,
      legend: str(p.legend) ?? String(str(p.x) ?? ""),
      color: themeColor(theme, str(p.color)),
      xAxisCalloutData: str(p.xtooltip),
      yAxisCalloutData: str(p.ytooltip) ?? (fmt ? fmt(y) : undefined),
    };
  });
  const colors = (str(c.colors) ?? "").split(/[\s,]+/).filter(Boolean).map((x) => themeColor(theme, x)!);
  const height = num(str(c.height)) ?? 300;
  const ymax = num(str(c.ymax)) ?? Math.max(0, ...data.map((d) => d.y));
  return (
    <div ref={ref} data-pglet-id={c.i} style={{ width: defaultPixels(str(c.width)) ?? "100%", height }}>
      {width > 0 && (
        <FChart
          data={data}
          width={width}
          height={height}
          barWidth={int(str(c.barwidth))}
          colors={colors.length ? colors : [theme.palette.themeLighter, theme.palette.themeDarker]}
          useSingleColor={false}
          yMinValue={num(str(c.ymin))}
          yMaxValue={ymax}
          yAxisTickCount={int(str(c.yticks)) ?? 1}
          yAxisTickFormat={fmt}
          hideLegend={!isTrue(c.legend)}
          hideTooltip={!isTrue(c.tooltips)}
        />
      )}
    </div>
  );
}
