// The forest's public face: training, prediction, model.json and ONNX export.
export { featureImportances, fitForest } from './forest.ts';
export {
  type JsonValue,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelAlgorithm,
  type ModelJson,
  type ModelJsonTree,
  type ModelMeta,
  parseModelJson,
  predictServing,
  type ServingForest,
  toModelJson,
} from './model-format.ts';
export { type OnnxOptions, toOnnx } from './onnx.ts';
export { predictBatch, predictRow } from './predict.ts';
export type { FlatTree, Forest, ForestParams, MaxFeatures, TreeEnsemble } from './types.ts';
