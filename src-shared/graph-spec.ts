// A functional (branching) model as JSON: the import maps a Keras/tfjs functional model onto it, the
// store keeps it inside the engine spec and the engine runs it (src-main/engine/models/graph.ts).

/** Activations a graph node can apply after its layer (Keras names; relu6 is ReLU capped at 6). */
export const GRAPH_ACTIVATIONS = ['linear', 'relu', 'relu6', 'swish', 'gelu', 'sigmoid', 'tanh', 'softmax'] as const;
/** One of GRAPH_ACTIVATIONS. */
export type GraphActivation = (typeof GRAPH_ACTIVATIONS)[number];

/** How a convolution or pooling window slides: Keras' padding, strides and dilation, [rows, columns]. */
export interface Window {
  size: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'same' | 'valid';
}

/**
 * One layer of a graph. Weights are named `<node>/<weight>`: kernel and bias (conv, dense),
 * depthwise_kernel (depthwise), depthwise_kernel and pointwise_kernel (separable), gamma, beta,
 * moving_mean and moving_variance (batchnorm), gamma and beta (layernorm), embeddings (embedding).
 */
export type GraphOp =
  | { op: 'conv'; window: Window; filters: number; bias: boolean; activation: GraphActivation }
  | { op: 'depthwise'; window: Window; multiplier: number; bias: boolean; activation: GraphActivation }
  | { op: 'separable'; window: Window; multiplier: number; filters: number; bias: boolean; activation: GraphActivation }
  | { op: 'dense'; units: number; bias: boolean; activation: GraphActivation }
  /** Over the last (channel) axis; without center/scale the node has no beta/gamma. */
  | { op: 'batchnorm'; epsilon: number; momentum: number; center: boolean; scale: boolean }
  /** Over the last axis. */
  | { op: 'layernorm'; epsilon: number; center: boolean; scale: boolean }
  | { op: 'maxpool' | 'avgpool'; window: Window }
  | { op: 'globalavgpool' }
  | { op: 'zeropad'; pad: [[number, number], [number, number]] }
  | { op: 'rescale'; scale: number; offset: number }
  /** Token ids → vectors: [n, …] → [n, …, dim]. */
  | { op: 'embedding'; vocab: number; dim: number }
  | { op: 'flatten' }
  /** To the node's own shape (e.g. [c] → [1, 1, c] before a squeeze-and-excite Multiply). */
  | { op: 'reshape' }
  /** Dropout: the identity (the engine fine-tunes and evaluates without dropout). */
  | { op: 'identity' }
  /** An Activation or ReLU layer (ReLU(max_value=6) is relu6). */
  | { op: 'activation'; activation: GraphActivation }
  | { op: 'add' | 'multiply' }
  /** Along `axis` of the whole tensor (the batch is axis 0; Keras' −1 is stored as the last axis' number). */
  | { op: 'concat'; axis: number };

/** A node of the graph: its op, the nodes it reads (in order) and its output shape without the batch axis. */
export type GraphNode = GraphOp & { name: string; inputs: string[]; shape: number[] };

/** A functional model's body, from its input to the features its head reads. */
export interface GraphSpec {
  /** The input's shape without the batch axis (the engine's flat rows are reshaped to it). */
  inputShape: number[];
  /** In topological order; a node's inputs name earlier nodes or 'input'. */
  nodes: GraphNode[];
  /** The node whose output is the features (rank 1 per sample), read by the head. */
  output: string;
}

/** Name of the graph's input in GraphNode.inputs. */
export const GRAPH_INPUT = 'input';
