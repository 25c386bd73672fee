// piechart: a donut (innerRadius 0 = a pie) from the first `data` set.
import { DonutChart, type IChartProps } from "@fluentui/react-charting";
import { useTheme } from "@fluentui/react";
import { defaultPixels, int, isTrue, num, str } from "../../util/props";
import { themeColor } from "../../util/theme";
import type { ControlProps } from "../common";
import { cycle, points, series, useWidth, useChart } from "./common";

export default function PieChart({ control }: ControlProps) {
  const theme = useTheme();
  const c = useChart(control);
  const [ref, width] = useWidth();
  const p = theme.palette;
  const palette = [p.themeDarker, p.themeDarkAlt, p.themeTertiary, p.themeLighter];
  const data: IChartProps = {
    chartData: points(series(c)[0]).map((pt, i) => ({
      legend: str(pt.legend) ?? "",
      data: num(str(pt.value)) ?? 0,
      color: themeColor(theme, str(pt.color)) ?? cycle(palette, i),
      xAxisCalloutData: str(pt.legend),
      yAxisCalloutData: str(pt.tooltip),
    })),
  };
  const height = num(str(c.height)) ?? 250;
  return (
    <div ref={ref} data-pglet-id={c.i} style={{ width: defaultPixels(str(c.width)) ?? "100%", height }}>
      {width > 0 && (
        <DonutChart
          data={data}
          width={Math.min(width, height + (isTrue(c.legend) ? 200 : 0))}
          height={height}
          innerRadius={int(str(c.innerradius)) ?? 0}
          valueInsideDonut={str(c.innervalue)}
          hideLegend={!isTrue(c.legend)}
          hideTooltip={!isTrue(c.tooltips)}
        />
      )}
    </div>
  );
}
