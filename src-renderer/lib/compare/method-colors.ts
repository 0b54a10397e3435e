// Okabe & Ito (2008) colour-blind-safe palette, reordered so the first methods get the most
// distinct colours on white (yellow and black last).
const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#E69F00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/**
 * The colour of a method: by its position in the registry so every chart agrees across sessions;
 * a method not in the registry gets a colour from its id.
 */
export function methodColor(methodId: string, registryIds: readonly string[]): string {
  let index = registryIds.indexOf(methodId);
  if (index < 0) index = [...methodId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return OKABE_ITO[index % OKABE_ITO.length];
}
