import { Root, Type } from 'protobufjs';

/**
 * The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) needed to write
 * a small inference graph. Field numbers are ONNX's; unused fields are left out.
 */
const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            i: { type: 'int64', id: 3 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
        },
        TypeProtoTensor: {
          fields: {
            elemType: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'TensorShapeDimension', id: 1 } },
        },
        TensorShapeDimension: {
          fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
        },
      },
    },
  },
};

/** ONNX TensorProto.DataType values. */
export enum OnnxDataType {
  Float = 1,
  Int64 = 7,
}

/** ONNX AttributeProto.AttributeType values. */
export enum OnnxAttributeType {
  Int = 2,
  Ints = 7,
}

export interface OnnxNode {
  opType: string;
  name: string;
  input: string[];
  output: string[];
  attribute?: Array<{ name: string; type: OnnxAttributeType; i?: number; ints?: number[] }>;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  dataType: OnnxDataType;
  rawData: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataType;
  /** A number is a fixed size; a string names a dynamic axis ("batch", "sequence"). */
  shape: Array<number | string>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

const modelProto: Type = Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');

function valueInfo(value: OnnxValueInfo) {
  return {
    name: value.name,
    type: {
      tensorType: {
        elemType: value.elemType,
        shape: {
          dim: value.shape.map((dimension) =>
            typeof dimension === 'number' ? { dimValue: dimension } : { dimParam: dimension },
          ),
        },
      },
    },
  };
}

/** Serializes a graph as an ONNX model file's bytes. */
export function encodeOnnxModel(graph: OnnxGraph, opsetVersion = 14, irVersion = 8): Uint8Array {
  const message = modelProto.fromObject({
    irVersion,
    producerName: 'ai-gateway-testing',
    opsetImport: [{ domain: '', version: opsetVersion }],
    graph: {
      name: graph.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return modelProto.encode(message).finish();
}
