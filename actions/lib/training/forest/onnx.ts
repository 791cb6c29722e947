import type { ServingForest } from './model-format.ts';
import { ProtoWriter } from './protobuf-writer.ts';
import type { TreeEnsemble } from './types.ts';

/** Names of the exported graph's tensors. */
export interface OnnxOptions {
  /** The float input tensor `[N, n_features]` (default `input`). */
  readonly inputName?: string;
  /** The float output tensor `[N, 1]` (default `prediction`). */
  readonly outputName?: string;
}

// Field numbers from onnx.proto.
const MODEL = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
};
const OPSET = { domain: 1, version: 2 };
const GRAPH = { node: 1, name: 2, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, floats: 7, ints: 8, strings: 9, type: 20 };
const ATTRIBUTE_TYPE = { int: 2, string: 3, floats: 6, ints: 7, strings: 8 };
const VALUE_INFO = { name: 1, type: 2 };
const TYPE = { tensorType: 1 };
const TENSOR_TYPE = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIMENSION = { dimValue: 1, dimParam: 2 };
const STRING_ENTRY = { key: 1, value: 2 };
const ELEM_FLOAT = 1;

/** IR version 8 (ONNX 1.10) and ai.onnx.ml opset 3: TreeEnsembleRegressor with float attributes. */
const IR_VERSION = 8;
const ML_OPSET = 3;
const DEFAULT_OPSET = 17;

/**
 * Exports a forest as an ONNX model: one `ai.onnx.ml` `TreeEnsembleRegressor` node (aggregate
 * AVERAGE, mode BRANCH_LEQ, float thresholds) from a float tensor `[N, n_features]` to `[N, 1]`.
 * ONNX compares float32 inputs with float32 thresholds, so it takes the same branches as
 * {@link predictRow}; leaf values are stored as float32, so predictions agree to float precision.
 * A {@link ServingForest}'s feature names go into the model's metadata (`feature_names`).
 *
 * @example
 * const bytes = toOnnx(forest);
 * const session = await InferenceSession.create(bytes);
 */
export function toOnnx(
  forest: TreeEnsemble | ServingForest,
  options: OnnxOptions = {},
): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'prediction';
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const targetTreeIds: number[] = [];
  const targetNodeIds: number[] = [];
  const targetWeights: number[] = [];
  forest.trees.forEach((tree, t) => {
    // A tree's five arrays hold one entry per node each: i < tree.feature.length bounds them all.
    for (let i = 0; i < tree.feature.length; i++) {
      const leaf = tree.feature[i]! < 0;
      treeIds.push(t);
      nodeIds.push(i);
      featureIds.push(leaf ? 0 : tree.feature[i]!);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      values.push(leaf ? 0 : tree.threshold[i]!);
      trueIds.push(leaf ? 0 : tree.left[i]!);
      falseIds.push(leaf ? 0 : tree.right[i]!);
      if (leaf) {
        targetTreeIds.push(t);
        targetNodeIds.push(i);
        targetWeights.push(tree.value[i]!);
      }
    }
  });

  const node = (w: ProtoWriter) => {
    w.string(NODE.input, inputName)
      .string(NODE.output, outputName)
      .string(NODE.name, 'forest')
      .string(NODE.opType, 'TreeEnsembleRegressor')
      .string(NODE.domain, 'ai.onnx.ml');
    const attribute = (fill: (a: ProtoWriter) => void) => w.message(NODE.attribute, fill);
    const stringAttribute = (name: string, value: string) =>
      attribute((a) =>
        a
          .string(ATTRIBUTE.name, name)
          .int64(ATTRIBUTE.type, ATTRIBUTE_TYPE.string)
          .string(ATTRIBUTE.s, value),
      );
    const intsAttribute = (name: string, list: number[]) =>
      attribute((a) =>
        a
          .string(ATTRIBUTE.name, name)
          .int64(ATTRIBUTE.type, ATTRIBUTE_TYPE.ints)
          .packedInt64(ATTRIBUTE.ints, list),
      );
    const floatsAttribute = (name: string, list: number[]) =>
      attribute((a) =>
        a
          .string(ATTRIBUTE.name, name)
          .int64(ATTRIBUTE.type, ATTRIBUTE_TYPE.floats)
          .packedFloat(ATTRIBUTE.floats, list),
      );
    stringAttribute('aggregate_function', 'AVERAGE');
    stringAttribute('post_transform', 'NONE');
    attribute((a) =>
      a
        .string(ATTRIBUTE.name, 'n_targets')
        .int64(ATTRIBUTE.type, ATTRIBUTE_TYPE.int)
        .int64(ATTRIBUTE.i, 1),
    );
    intsAttribute('nodes_treeids', treeIds);
    intsAttribute('nodes_nodeids', nodeIds);
    intsAttribute('nodes_featureids', featureIds);
    attribute((a) => {
      a.string(ATTRIBUTE.name, 'nodes_modes').int64(ATTRIBUTE.type, ATTRIBUTE_TYPE.strings);
      for (const mode of modes) a.string(ATTRIBUTE.strings, mode);
    });
    floatsAttribute('nodes_values', values);
    intsAttribute('nodes_truenodeids', trueIds);
    intsAttribute('nodes_falsenodeids', falseIds);
    intsAttribute('target_treeids', targetTreeIds);
    intsAttribute('target_nodeids', targetNodeIds);
    intsAttribute('target_ids', new Array<number>(targetTreeIds.length).fill(0));
    floatsAttribute('target_weights', targetWeights);
  };

  const tensorInfo = (name: string, columns: number) => (v: ProtoWriter) => {
    v.string(VALUE_INFO.name, name).message(VALUE_INFO.type, (type) =>
      type.message(TYPE.tensorType, (tensor) =>
        tensor
          .int64(TENSOR_TYPE.elemType, ELEM_FLOAT)
          .message(TENSOR_TYPE.shape, (shape) =>
            shape
              .message(SHAPE.dim, (d) => d.string(DIMENSION.dimParam, 'N'))
              .message(SHAPE.dim, (d) => d.int64(DIMENSION.dimValue, columns)),
          ),
      ),
    );
  };

  const model = new ProtoWriter()
    .int64(MODEL.irVersion, IR_VERSION)
    .string(MODEL.producerName, 'freshet')
    .string(MODEL.producerVersion, '1')
    .message(MODEL.opsetImport, (o) =>
      o.string(OPSET.domain, 'ai.onnx.ml').int64(OPSET.version, ML_OPSET),
    )
    .message(MODEL.opsetImport, (o) =>
      o.string(OPSET.domain, '').int64(OPSET.version, DEFAULT_OPSET),
    )
    .message(MODEL.graph, (g) =>
      g
        .message(GRAPH.node, node)
        .string(GRAPH.name, 'freshet_forest')
        .message(GRAPH.input, tensorInfo(inputName, forest.nFeatures))
        .message(GRAPH.output, tensorInfo(outputName, 1)),
    );
  if ('inputs' in forest) {
    model.message(MODEL.metadataProps, (e) =>
      e
        .string(STRING_ENTRY.key, 'feature_names')
        .string(STRING_ENTRY.value, JSON.stringify(forest.inputs)),
    );
  }
  return model.finish();
}
