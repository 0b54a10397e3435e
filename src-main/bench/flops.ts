import type { ModelSpec } from '../engine/models/layers';

/** Multiply-accumulates of one forward pass of one sample through backbone and pretrain head. */
export function forwardMacs(spec: ModelSpec): number {
  let shape: number[] = [...spec.inputShape];
  let macs = 0;
  const dense = (units: number) => {
    const fanIn = shape.reduce((a, b) => a * b, 1);
    macs += fanIn * units;
    shape = [units];
  };
  for (const layer of spec.backbone) {
    if (layer.kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)];
    else if (layer.kind === 'dense') dense(layer.units);
    else {
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
