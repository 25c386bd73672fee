// Control type → component. Charts (d3) are loaded on first use, so pages without charts
// do not pay for them.
import { createElement, lazy, Suspense, type ComponentType } from "react";
import type { ControlProps } from "./common";
import Stack from "./Stack";
import Text from "./Text";
import Button from "./Button";
import Textbox from "./Textbox";
import SearchBox from "./SearchBox";
import Checkbox from "./Checkbox";
import Toggle from "./Toggle";
import Dropdown from "./Dropdown";
import ComboBox from "./ComboBox";
import ChoiceGroup from "./ChoiceGroup";
import Tabs from "./Tabs";
import Grid from "./Grid";
import Message from "./Message";
import Progress from "./Progress";
import Spinner from "./Spinner";
import Dialog from "./Dialog";
import Panel from "./Panel";
import Link from "./Link";
import Icon from "./Icon";
import Image from "./Image";
import Html from "./Html";
import IFrame from "./IFrame";
import Persona from "./Persona";
import Slider from "./Slider";
import SpinButton from "./SpinButton";
import DatePicker from "./DatePicker";
import Nav from "./Nav";
import Toolbar from "./Toolbar";
import Callout from "./Callout";
import SplitStack from "./SplitStack";

/** A component loaded on first use, with its own Suspense boundary. */
function onDemand(load: () => Promise<{ default: ComponentType<ControlProps> }>): ComponentType<ControlProps> {
  const L = lazy(load);
  return (props: ControlProps) => createElement(Suspense, { fallback: null }, createElement(L, props));
}

export const registry: Record<string, ComponentType<ControlProps>> = {
  stack: Stack,
  text: Text,
  button: Button,
  textbox: Textbox,
  searchbox: SearchBox,
  checkbox: Checkbox,
  toggle: Toggle,
  dropdown: Dropdown,
  combobox: ComboBox,
  choicegroup: ChoiceGroup,
  tabs: Tabs,
  grid: Grid,
  message: Message,
  progress: Progress,
  spinner: Spinner,
  dialog: Dialog,
  panel: Panel,
  link: Link,
  icon: Icon,
  image: Image,
  html: Html,
  iframe: IFrame,
  persona: Persona,
  slider: Slider,
  spinbutton: SpinButton,
  datepicker: DatePicker,
  nav: Nav,
  toolbar: Toolbar,
  callout: Callout,
  splitstack: SplitStack,
  verticalbarchart: onDemand(() => import("./charts/VerticalBarChart")),
  barchart: onDemand(() => import("./charts/BarChart")),
  piechart: onDemand(() => import("./charts/PieChart")),
  linechart: onDemand(() => import("./charts/LineChart")),
};
