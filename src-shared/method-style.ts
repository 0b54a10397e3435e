/** Plotly marker symbols the methods are drawn with (the UI's colour dots draw the same glyphs). */
export const MARKER_SHAPES = ['circle', 'square', 'diamond', 'triangle-up', 'triangle-down', 'cross', 'x', 'star', 'pentagon', 'hexagon'] as const;

/** A marker shape, filled or (with `-open`) as an outline. */
export type MarkerSymbol = (typeof MARKER_SHAPES)[number] | `${(typeof MARKER_SHAPES)[number]}-open`;

/** Plotly line styles a method's lines are drawn in (learning curves, WiSE-FT α curves, trade-off lines). */
export const LINE_DASHES = ['solid', 'dot', 'dash', 'longdash', 'dashdot', 'longdashdot'] as const;

/** How a method is drawn in every figure and colour dot. */
export interface MethodStyle {
  color: string;
  marker: MarkerSymbol;
  /** Its lines' style, so that lines tell methods apart without colour (greyscale print, colour blindness). */
  dash: (typeof LINE_DASHES)[number];
}

/** A run of a method the registry no longer has. */
export const UNKNOWN_METHOD_STYLE: MethodStyle = { color: '#BBBBBB', marker: 'circle-open', dash: 'dot' };

/** A marker's shape drawn as an outline. */
export function openMarker(marker: MarkerSymbol): MarkerSymbol {
  return `${marker.replace(/-open$/, '') as (typeof MARKER_SHAPES)[number]}-open`;
}

/**
 * The style of a (possibly combined) method choice, from the methods' declared styles. Rule for combined
 * runs: the primary's colour and line style (the method that trains) with the first partner's marker, so LoRA + rehearsal
 * is LoRA's purple with rehearsal's square, told apart from LoRA alone (purple star) and from rehearsal alone
 * (cyan square); with two or more partners that marker is drawn open.
 */
export function choiceStyle(styleOf: (methodId: string) => MethodStyle | undefined, primaryId: string, partnerIds: readonly string[]): MethodStyle {
  const primary = styleOf(primaryId) ?? UNKNOWN_METHOD_STYLE;
  if (!partnerIds.length) return primary;
  const marker = (styleOf(partnerIds[0]) ?? UNKNOWN_METHOD_STYLE).marker;
  return { ...primary, marker: partnerIds.length > 1 ? openMarker(marker) : (marker.replace(/-open$/, '') as MarkerSymbol) };
}
