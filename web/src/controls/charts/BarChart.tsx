// barchart: horizontal bars, one row per point of the first `data` set (x of total y).
import { HorizontalBarChart, type IChartProps } from "@fluentui/react-charting";
import { useTheme } from "@fluentui/react";
import { defaultPixels, isTrue, num, str } from "../../util/props";
import { themeColor } from "../../util/theme";
import type { ControlProps } from "../common";
import { cycle, points, series, useChart } from "./common";

export default function BarChart({ control }: ControlProps) {
  const theme = useTheme();
  const c = useChart(control);
  const p = theme.palette;
  const palette = [p.themeDarker, p.themeDarkAlt, p.themeTertiary, p.themeLighter];
  const data: IChartProps[] = points(series(c)[0]).map((pt, i) => ({
    chartTitle: str(pt.legend),
    chartData: [
      {
        legend: str(pt.legend) ?? "",
        horizontalBarChartdata: { x: num(str(pt.x)) ?? 0, y: num(str(pt.y)) ?? 100 },
        color: themeColor(theme, str(pt.color)) ?? cycle(palette, i),
        xAxisCalloutData: str(pt.xtooltip),
        yAxisCalloutData: str(pt.ytooltip),
      },
    ],
  }));
  const mode = (str(c.datamode) ?? "default").toLowerCase();
  return (
    <div data-pglet-id={c.i} style={{ width: defaultPixels(str(c.width)) ?? "100%", height: defaultPixels(str(c.height)) }}>
      <HorizontalBarChart
        data={data}
        chartDataMode={(["fraction", "percentage"].includes(mode) ? mode : "default") as "default"}
        hideTooltip={!isTrue(c.tooltips)}
      />
    </div>
  );
}
