import type { MethodInfo } from '../../../src-shared/api';
import { choiceStyle, type MethodStyle } from '../../../src-shared/method-style';

/** What styling needs of a run: its primary method and its stored config, whose `method.with` names the partners. */
export interface StyledRun {
  methodId: string;
  config: unknown;
}

// Read defensively: a stored config of an older version may lack `with`.
function partnerIds(config: unknown): string[] {
  const method = (config as { method?: { with?: unknown } } | null)?.method;
  if (!Array.isArray(method?.with)) return [];
  return method.with.flatMap((c: { id?: unknown } | null) => (typeof c?.id === 'string' ? [c.id] : []));
}

/** How each run is drawn, from the styles the methods declare in the catalog: the one source of colours and markers. */
export function runStyles(methods: readonly Pick<MethodInfo, 'id' | 'style'>[]): (run: StyledRun) => MethodStyle {
  const byId = new Map(methods.map((m) => [m.id, m.style]));
  return (run) => choiceStyle((id) => byId.get(id), run.methodId, partnerIds(run.config));
}
