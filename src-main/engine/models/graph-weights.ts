import { GRAPH_INPUT, type GraphNode, type GraphSpec } from '../../../src-shared/graph-spec';
import type { KernelKind } from './layers';
import type { WeightShape } from './weights';

/** The output shape (without the batch axis) of a node's first input. */
function inputShapeOf(graph: GraphSpec, node: GraphNode, shapes: Map<string, number[]>): number[] {
  const source = node.inputs[0];
  return source === GRAPH_INPUT ? graph.inputShape : shapes.get(source)!;
}

/**
 * Every weight of a graph with its shape and initialisation, in node order. Batch norm's moving
 * statistics are marked `statistic`: they are state, never trained by gradients.
 */
export function graphWeightShapes(graph: GraphSpec): WeightShape[] {
  const out: WeightShape[] = [];
  const shapes = new Map<string, number[]>();
  const add = (node: GraphNode, weight: string, shape: number[], init: WeightShape['init'], statistic = false) => {
    const fanIn = shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape.length === 2 ? shape[0] : 0;
    const fanOut = shape.length === 4 ? shape[0] * shape[1] * shape[3] : shape.length === 2 ? shape[1] : 0;
    out.push({ name: `${node.name}/${weight}`, shape, fanIn, fanOut, init, ...(statistic ? { statistic: true } : {}) });
  };
  for (const node of graph.nodes) {
    const input = inputShapeOf(graph, node, shapes);
    const channels = input[input.length - 1];
    shapes.set(node.name, node.shape);
    const [kh, kw] = 'window' in node ? node.window.size : [1, 1];
    if (node.op === 'conv') add(node, 'kernel', [kh, kw, channels, node.filters], 'glorot');
    else if (node.op === 'depthwise' || node.op === 'separable') add(node, 'depthwise_kernel', [kh, kw, channels, node.multiplier], 'glorot');
    if (node.op === 'separable') add(node, 'pointwise_kernel', [1, 1, channels * node.multiplier, node.filters], 'glorot');
    else if (node.op === 'dense') add(node, 'kernel', [channels, node.units], 'glorot');
    else if (node.op === 'embedding') add(node, 'embeddings', [node.vocab, node.dim], 'embedding');
    if ((node.op === 'conv' || node.op === 'depthwise' || node.op === 'separable' || node.op === 'dense') && node.bias)
      add(node, 'bias', [node.shape[node.shape.length - 1]], 'zeros');
    if (node.op === 'batchnorm' || node.op === 'layernorm') {
      if (node.scale) add(node, 'gamma', [channels], 'ones');
      if (node.center) add(node, 'beta', [channels], 'zeros');
    }
    if (node.op === 'batchnorm') {
      add(node, 'moving_mean', [channels], 'zeros', true);
      add(node, 'moving_variance', [channels], 'ones', true);
    }
  }
  return out;
}

/** The graph's layers with a `kernel` LoRA can adapt (Conv2D of any size, 1×1 included, and Dense), in node order. */
export function graphKernelKinds(graph: GraphSpec): [string, KernelKind][] {
  return graph.nodes.flatMap((node): [string, KernelKind][] =>
    node.op === 'conv' ? [[node.name, 'conv']] : node.op === 'dense' ? [[node.name, 'dense']] : [],
  );
}

/** The width of the features the graph hands its head. */
export function graphFeatures(graph: GraphSpec): number {
  const node = graph.nodes.find((n) => n.name === graph.output);
  if (!node) throw new Error(`The graph has no node '${graph.output}' for its output`);
  return node.shape.reduce((a, b) => a * b, 1);
}

/** Multiply-adds of one forward pass per sample: every kernel's size times the positions it slides over. */
export function graphMacs(graph: GraphSpec): number {
  const nodes = new Map(graph.nodes.map((n) => [n.name, n]));
  let macs = 0;
  for (const w of graphWeightShapes(graph)) {
    if (!/\/(kernel|depthwise_kernel|pointwise_kernel)$/.test(w.name)) continue;
    const positions = nodes
      .get(w.name.slice(0, w.name.lastIndexOf('/')))!
      .shape.slice(0, -1)
      .reduce((a, b) => a * b, 1);
    macs += positions * w.shape.reduce((a, b) => a * b, 1);
  }
  return macs;
}
