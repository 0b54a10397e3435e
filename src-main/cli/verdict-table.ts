import type { StudyVerdict } from '../../src-shared/verdict/study-verdict';
import { estimateText, shareText, trendText, verdictUnit } from '../../src-shared/verdict/format-estimate';
import { textTable } from './text-table';

/** A study's verdict for the terminal: the claim, every arm against the reference, the trends along sweeps and the mix-cd headroom. */
export function verdictTable(verdict: StudyVerdict): string {
  const { metric, targetMetric } = verdict;
  const unit = verdictUnit(verdict);
  const lines = [
    '',
    `verdict (${unit}; mean over seeds [95% seed-bootstrap interval]${verdict.reference ? `; Δ against ${verdict.reference}, paired by seed` : ''})`,
  ];
  if (verdict.description) lines.push(`claim: ${verdict.description}`);
  if (verdict.reference)
    lines.push("ΔA_pre at equal A_tgt: against the reference's A_pre where its training trajectory first reached the arm's final A_tgt (as if stopped there)");
  // Without a reference there is nothing to take differences from: those columns are left out.
  const against = verdict.reference !== null;
  const cells = verdict.arms.map((a) => [
    a.label,
    String(a.seeds),
    estimateText(a.aPre, metric),
    estimateText(a.aTgt, targetMetric),
    ...(against
      ? [
          a.vsReference ? estimateText(a.vsReference.aPre, metric, true) : '',
          a.vsReference ? estimateText(a.vsReference.aTgt, targetMetric, true) : '',
          a.vsReference?.aPreAtEqualTarget ? estimateText(a.vsReference.aPreAtEqualTarget, metric, true) : '',
        ]
      : []),
    a.onFrontier ? 'yes' : '',
  ]);
  const header = ['arm', 'seeds', 'A_pre', 'A_tgt', ...(against ? ['ΔA_pre', 'ΔA_tgt', 'ΔA_pre at equal A_tgt'] : []), 'frontier'];
  const align = header.map((h, i) => (i === 0 || h === 'frontier' ? 'left' : 'right') as 'left' | 'right');
  lines.push(...textTable(header, cells, align));
  for (const t of verdict.trends) lines.push(`trend of ${trendText(t, verdict)}`);
  if (verdict.headroom.length) {
    lines.push(
      'headroom share = (A_pre(variant) − A_pre(random)) / (A_pre(oracle) − A_pre(random)) at the same rehearsal budget; A_tgt cost = A_tgt(variant) − A_tgt(random)',
    );
    const rows = verdict.headroom.map((h) => [
      h.label,
      h.memoryBatch === null ? '-' : String(h.memoryBatch),
      String(h.seeds),
      estimateText(h.headroom, metric, true),
      shareText(h.share),
      estimateText(h.targetCost, targetMetric, true),
    ]);
    lines.push(
      ...textTable(['variant', 'B_mem', 'seeds', 'oracle − random', 'headroom share', 'A_tgt cost'], rows, [
        'left',
        'right',
        'right',
        'right',
        'right',
        'right',
      ]),
    );
  }
  return lines.join('\n');
}
