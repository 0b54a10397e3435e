import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelLayerInfo } from '../../../src-shared/datasets';
import type { ImportedEngineSpec, LayerSpec } from '../../../src-shared/layer-spec';
import { PRETRAIN_HEAD, TARGET_HEAD } from '../../engine/models/layers';
import { ImportError } from '../import-error';
import { engineInputShape } from './input-shape';
import { GRAPH_CLASSES, GRAPH_SUPPORTED_TEXT } from './graph-import';

/** Layer classes the engine runs as a chain of its built-in layers (other models run as a graph). */
const SUPPORTED = new Set(['InputLayer', 'Dense', 'Conv2D', 'Flatten', 'Dropout', 'Activation', 'ReLU']);
const SUPPORTED_TEXT =
  'Dense (ReLU or linear; the head linear or softmax), Conv2D (valid padding, square kernel and stride, ReLU), Flatten, Dropout and ReLU/softmax activations';

type LayerJson = { class_name?: string; config?: { name?: string } };

/** Refuses layer classes the engine cannot run (as a chain or a graph), reading model.json's topology (so custom layers fail here, by name). */
export function checkLayerClasses(topology: unknown, file: string): void {
  const topo = topology as { model_config?: unknown };
  const model = (topo.model_config ?? topology) as { class_name?: string; config?: { layers?: LayerJson[] } | LayerJson[] };
  const layers = Array.isArray(model.config) ? model.config : model.config?.layers;
  if (!Array.isArray(layers)) throw new ImportError(`${file}: the model topology lists no layers`);
  for (const layer of layers) {
    // A crafted topology may list null (or any JSON) as a layer.
    if (typeof layer?.class_name !== 'string')
      throw new ImportError(`${file}: the model topology lists ${JSON.stringify(layer)?.slice(0, 60)} where a layer ({"class_name": …, "config": …}) belongs`);
    if (!GRAPH_CLASSES.includes(layer.class_name)) {
      throw new ImportError(
        `${file}: layer '${layer.config?.name ?? '?'}' is a ${layer.class_name}, which RetainLab's engine cannot run; it supports ${GRAPH_SUPPORTED_TEXT}`,
      );
    }
  }
}

interface LayerConfig {
  activation?: string;
  units?: number;
  filters?: number;
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number | number[];
  useBias?: boolean;
}

function pair(v: number | number[] | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback];
  return Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v];
}

/**
 * Maps a loaded tfjs model onto the engine: a single chain of layers, Dense/Conv2D with the
 * activations the engine has, the last Dense as the head. Returns the engine spec, the layer
 * table and the weights under engine names.
 */
export function describeModel(
  model: LayersModel,
  file: string,
): { spec: ImportedEngineSpec; layers: ModelLayerInfo[]; weights: Map<string, Float32Array>; shapes: Map<string, number[]>; warnings: string[] } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new ImportError(`${file}: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; RetainLab models have one of each`);
  const unsupported = (layer: { name: string }, why: string): never => {
    throw new ImportError(`${file}: layer '${layer.name}' ${why}; RetainLab's engine supports ${SUPPORTED_TEXT}`);
  };
  // A capped ReLU (ReLU6) is not the engine's ReLU.
  const other = model.layers.find((l) => !SUPPORTED.has(l.getClassName()) || ((l.getConfig() as { maxValue?: number | null }).maxValue ?? null) !== null);
  if (other) unsupported(other, `is a ${other.getClassName()}, not a layer of a plain chain`);
  const engineInput = engineInputShape(model, file);
  const inputShape = model.inputs[0].shape.slice(1) as number[];

  const withWeights = model.layers.filter((l) => ['Dense', 'Conv2D'].includes(l.getClassName()));
  const head = withWeights[withWeights.length - 1];
  if (!head || head.getClassName() !== 'Dense') throw new ImportError(`${file}: the last layer with weights must be a Dense classification head`);

  const backbone: LayerSpec[] = inputShape.length === 1 ? [{ kind: 'flatten', name: 'input_flatten' }] : [];
  const layers: ModelLayerInfo[] = [];
  const weights = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  const frozen: string[] = [];
  let rank = inputShape.length;
  let afterHead = false;
  let previous: (typeof model.layers)[number] | null = null;
  // A linear Conv2D waiting for the ReLU that makes it what the engine computes.
  let linearConv: (typeof model.layers)[number] | null = null;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const config = layer.getConfig() as LayerConfig;
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers);
    if (previous && (inbound.length !== 1 || inbound[0] !== previous))
      unsupported(
        layer,
        `takes its input from ${inbound.map((l) => `'${l.name}'`).join(' and ') || 'nowhere'} rather than the layer before it (a branching graph)`,
      );
    previous = layer;
    const info: ModelLayerInfo = {
      name: layer.name,
      className: cls,
      outputShape: (layer.outputShape as (number | null)[]).slice(1),
      params: layer.countParams(),
      trainable: layer.trainable,
      loraAdaptable: cls === 'Dense' || cls === 'Conv2D',
      role: 'backbone',
    };
    layers.push(info);
    if (cls === 'InputLayer') {
      info.role = 'input';
      continue;
    }
    if (cls === 'Dropout') {
      info.role = 'skipped';
      continue;
    }
    const activation = config.activation ?? 'linear';
    if (cls === 'Activation' || cls === 'ReLU') {
      const act = cls === 'ReLU' ? 'relu' : activation;
      info.role = 'skipped';
      if (act === 'linear' || (afterHead && act === 'softmax')) continue;
      const last = backbone[backbone.length - 1];
      if (act === 'relu' && !afterHead && last && (last.kind === 'conv' ? linearConv !== null : last.kind === 'dense' && last.activation === 'linear')) {
        if (last.kind === 'dense') last.activation = 'relu';
        linearConv = null;
        continue;
      }
      unsupported(layer, `applies '${act}' where the engine cannot fold it into the layer before`);
    }
    if (linearConv) unsupported(linearConv, "is a linear Conv2D; the engine's Conv2D applies ReLU, so follow it with a ReLU");
    if (afterHead) unsupported(layer, 'comes after the head (the last Dense layer)');
    if (cls === 'Flatten') {
      backbone.push({ kind: 'flatten', name: layer.name });
      rank = 1;
      continue;
    }
    if (config.useBias === false) unsupported(layer, 'has no bias (useBias: false)');
    const engineName = layer === head ? PRETRAIN_HEAD : [PRETRAIN_HEAD, TARGET_HEAD].includes(layer.name) ? `${layer.name}_backbone` : layer.name;
    if (cls === 'Dense') {
      if (rank !== 1) unsupported(layer, `gets a ${rank}-D input; add a Flatten before it`);
      if (layer === head) {
        if (activation !== 'linear' && activation !== 'softmax')
          unsupported(layer, `is the head with activation '${activation}'; a head must be linear or softmax`);
        info.role = 'head';
        afterHead = true;
      } else {
        if (activation !== 'linear' && activation !== 'relu') unsupported(layer, `uses activation '${activation}'`);
        backbone.push({ kind: 'dense', name: engineName, units: config.units!, activation: activation as 'relu' | 'linear' });
      }
    } else {
      if (rank !== 3) unsupported(layer, `gets a ${rank}-D input; Conv2D needs [height, width, channels]`);
      const [kh, kw] = pair(config.kernelSize, 1);
      const [sh, sw] = pair(config.strides, 1);
      const [dh, dw] = pair(config.dilationRate, 1);
      if (kh !== kw) unsupported(layer, `has a ${kh}×${kw} kernel (only square kernels)`);
      if (sh !== sw) unsupported(layer, `has strides ${sh}×${sw} (only equal strides)`);
      if (dh !== 1 || dw !== 1) unsupported(layer, 'is dilated');
      if (config.padding !== 'valid') unsupported(layer, `uses '${config.padding}' padding (only 'valid')`);
      if (config.dataFormat && config.dataFormat !== 'channelsLast') unsupported(layer, `uses ${config.dataFormat} (only channelsLast)`);
      // The engine's Conv2D always applies ReLU: a linear one is accepted only when a ReLU follows.
      if (activation !== 'relu' && activation !== 'linear') unsupported(layer, `uses activation '${activation}'`);
      backbone.push({ kind: 'conv', name: engineName, filters: config.filters!, kernel: kh, stride: sh, activation: 'relu' });
      if (activation === 'linear') linearConv = layer;
    }
    const [kernel, bias] = layer.getWeights();
    weights.set(`${engineName}/kernel`, kernel.dataSync() as Float32Array);
    shapes.set(`${engineName}/kernel`, kernel.shape);
    weights.set(`${engineName}/bias`, bias.dataSync() as Float32Array);
    shapes.set(`${engineName}/bias`, bias.shape);
    if (!layer.trainable) frozen.push(`${engineName}/kernel`, `${engineName}/bias`);
    if (cls === 'Conv2D') rank = 3;
  }
  if (linearConv) unsupported(linearConv, "is a linear Conv2D; the engine's Conv2D applies ReLU, so follow it with a ReLU");
  const warnings: string[] = [];
  if (frozen.length === weights.size) warnings.push('Every layer is frozen (trainable: false) in the original model; fine-tuning methods decide what trains.');
  const dropouts = layers.filter((l) => l.className === 'Dropout');
  if (dropouts.length)
    warnings.push(`${dropouts.length} Dropout layer${dropouts.length === 1 ? ' is' : 's are'} skipped: the engine fine-tunes without dropout.`);
  return { spec: { inputShape: engineInput, backbone, headUnits: (head.getConfig() as LayerConfig).units!, frozen }, layers, weights, shapes, warnings };
}
