"""Dynamic int8 quantization, as onnxruntime's quantize_dynamic does it, over plain python3-onnx:
every MatMul with a constant weight becomes DynamicQuantizeLinear (uint8 activations) ->
MatMulInteger (int8 weights, one scale per output column) -> Cast -> Mul. The word embedding
table is stored as int8 rows with one scale per row, dequantized after the lookup."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _int8_columns(w):
    scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def _int8_rows(w):
    scale = np.maximum(np.abs(w).max(axis=1), 1e-8) / 127.0
    q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def quantize(src, dst):
    model = onnx.load(src)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    nodes, new_inits, drop = [], [], set()
    zero = helper.make_tensor("q_zero_int8", TensorProto.INT8, [], [0])
    new_inits.append(zero)
    for n, node in enumerate(graph.node):
        weight = node.input[1] if len(node.input) > 1 else None
        if node.op_type == "MatMul" and weight in inits and len(inits[weight].dims) == 2:
            q, scale = _int8_columns(numpy_helper.to_array(inits[weight]))
            p = f"q{n}"
            new_inits += [numpy_helper.from_array(q, f"{p}_w"), numpy_helper.from_array(scale, f"{p}_ws")]
            drop.add(weight)
            nodes += [
                helper.make_node("DynamicQuantizeLinear", [node.input[0]], [f"{p}_x", f"{p}_xs", f"{p}_xz"]),
                helper.make_node("MatMulInteger", [f"{p}_x", f"{p}_w", f"{p}_xz", zero.name], [f"{p}_i32"]),
                helper.make_node("Cast", [f"{p}_i32"], [f"{p}_f"], to=TensorProto.FLOAT),
                helper.make_node("Mul", [f"{p}_xs", f"{p}_ws"], [f"{p}_s"]),
                helper.make_node("Mul", [f"{p}_f", f"{p}_s"], [node.output[0]]),
            ]
        elif node.op_type == "Gather" and node.input[0] in inits and inits[node.input[0]].dims[0] > 1000:
            q, scale = _int8_rows(numpy_helper.to_array(inits[node.input[0]]))
            p = f"e{n}"
            new_inits += [numpy_helper.from_array(q, f"{p}_w"), numpy_helper.from_array(scale, f"{p}_ws"),
                          numpy_helper.from_array(np.array([-1], dtype=np.int64), f"{p}_axis")]
            drop.add(node.input[0])
            nodes += [
                helper.make_node("Gather", [f"{p}_w", node.input[1]], [f"{p}_g"]),
                helper.make_node("Cast", [f"{p}_g"], [f"{p}_f"], to=TensorProto.FLOAT),
                helper.make_node("Gather", [f"{p}_ws", node.input[1]], [f"{p}_s"]),
                helper.make_node("Unsqueeze", [f"{p}_s", f"{p}_axis"], [f"{p}_su"]),
                helper.make_node("Mul", [f"{p}_f", f"{p}_su"], [node.output[0]]),
            ]
        else:
            nodes.append(node)
    kept = [i for i in graph.initializer if i.name not in drop]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
