// The wire model: a control is a flat record of strings plus its children's ids.

export interface Control {
  /** id */
  i: string;
  /** type */
  t: string;
  /** parent id ("" for the page) */
  p: string;
  /** ordered child ids */
  c?: string[];
  /** insert index (string) on add */
  at?: string;
  /** binding redirect `<targetId>|<prop>` (grid template clones) */
  f?: string;
  /** detached children (grid template clones and structured controls' subtrees) */
  children?: Control[];
  [prop: string]: unknown;
}

export type Props = { i: string; [prop: string]: unknown };

export interface Frame {
  id?: string;
  action: string;
  payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
