import type { ModelSpec } from '../engine/models/layers';
import { graphFeatures, graphMacs } from '../engine/models/graph-weights';

/**
 * Multiply-accumulates of one forward pass of one sample through backbone and pretrain head. A
 * sequence counts every position (T rows until a pool), attention scores in full (q·kᵀ and p·v);
 * an embedding is a lookup and counts none.
 */
export function forwardMacs(spec: ModelSpec): number {
  let shape: number[] = [...spec.inputShape];
  let rows = 1;
  let macs = 0;
  const dense = (units: number) => {
    const fanIn = shape.reduce((a, b) => a * b, 1);
    macs += rows * fanIn * units;
    shape = [units];
  };
  const t = spec.inputShape[0];
  for (const layer of spec.backbone) {
    if (layer.kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)];
    else if (layer.kind === 'dense') dense(layer.units);
    else if (layer.kind === 'embedding') {
      // A lookup (a gather; its gradient a scatter-add), not a one-hot product: no multiply-accumulates.
      rows = t;
      shape = [layer.dim];
    } else if (layer.kind === 'block') {
      const d = shape[0];
      macs += rows * (4 * d * d + 2 * d * d * layer.mlpRatio) + 2 * t * t * d;
    } else if (layer.kind === 'pool') rows = 1;
    else if (layer.kind === 'norm') continue;
    else if (layer.kind === 'graph') {
      macs += graphMacs(layer.graph);
      shape = [graphFeatures(layer.graph)];
    } else {
      const [h, w, c] = shape;
      const [oh, ow] = [Math.floor((h - layer.kernel) / layer.stride) + 1, Math.floor((w - layer.kernel) / layer.stride) + 1];
      macs += oh * ow * layer.filters * layer.kernel * layer.kernel * c;
      shape = [oh, ow, layer.filters];
    }
  }
  dense(spec.pretrainClasses);
  return macs;
}

/**
 * Nominal FLOPs per sample, the same formula for every implementation so GFLOP/s ratios equal
 * throughput ratios: forward = 2·MACs, a training step ≈ 3× forward (forward + two backward products).
 */
export function nominalFlops(spec: ModelSpec, training: boolean): number {
  return 2 * forwardMacs(spec) * (training ? 3 : 1);
}
