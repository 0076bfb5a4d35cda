"""Writes the malformed ONNX corpus (issue 16, check 6) beside this script, with Debian's
python3-onnx: each file breaks one thing a model file can get wrong, and EXPECTED.tsv names the
words `netwright-cli import` must say about it. tests/cli/tst_cli_corpus_onnx.cpp runs them.

    /usr/bin/python3 make_onnx_corpus.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = []  # (file, expected)


def tensor(name, shape, value=0.5):
    return numpy_helper.from_array(np.full(shape, value, dtype=np.float32), name)


def model(nodes, inits=(), inputs=None, outputs=None, opset=17, domain=""):
    if inputs is None:
        inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3])]
    if outputs is None:
        outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, None)]
    g = helper.make_graph(nodes, "corpus", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid(domain, opset)],
                          producer_name="make_onnx_corpus")
    m.ir_version = 8
    return m


def linear(inp="input", out="output", weight="fc.weight", name="fc"):
    return helper.make_node("Gemm", [inp, weight, "fc.bias"], [out], name=name, transB=1)


def good():
    return model([linear()], [tensor("fc.weight", (4, 3)), tensor("fc.bias", (4,))])


def write(file, data, expected):
    with open(os.path.join(HERE, file), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.SerializeToString())
    CASES.append((file, expected))


def main():
    valid = good().SerializeToString()
    write("truncated.onnx", valid[: len(valid) // 2], "truncated")
    write("empty.onnx", b"", "the file is empty")
    write("hdf5-magic.onnx", b"\x89HDF\r\n\x1a\n" + bytes(64), "is an HDF5 file")
    write("zip-magic.onnx", b"PK\x03\x04" + bytes(64), "is a zip archive")
    write("pickle.onnx", b"\x80\x02}q\x00." + bytes(16), "is a Python pickle")
    write("json-text.onnx", b'{"netwright": 1}\n', "is a text/JSON file")
    write("random-bytes.onnx", bytes(range(7, 200)), "is not an ONNX model")
    write("garbage-after-header.onnx", b"\x08\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
          "not a readable ONNX model")
    m = good()
    m.ClearField("graph")
    write("no-graph.onnx", m, "has no ONNX graph")
    write("opset-9.onnx", model([linear()], good().graph.initializer, opset=9),
          "opset 9 is not supported; Netwright reads opsets 13 to 17")
    write("opset-18.onnx", model([linear()], good().graph.initializer, opset=18),
          "opset 18 is not supported; Netwright reads opsets 13 to 17")
    write("no-default-opset.onnx",
          model([linear()], good().graph.initializer, domain="com.example"),
          "imports no opset of the default ONNX domain")
    hardmax = helper.make_node("Hardmax", ["input"], ["output"], name="odd")
    write("unsupported-op.onnx", model([hardmax]),
          "ONNX node 'odd' (Hardmax): op Hardmax is not supported; Netwright imports Add")
    write("custom-domain.onnx",
          model([helper.make_node("Swish", ["input"], ["output"], name="sw",
                                  domain="com.example")]),
          "node 'sw' (Swish) is in domain 'com.example'")
    write("cycle.onnx", model([helper.make_node("Add", ["input", "b"], ["a"], name="first"),
                               helper.make_node("Relu", ["a"], ["b"], name="second"),
                               helper.make_node("Relu", ["a"], ["output"], name="out")]),
          "the graph has a cycle through node")
    write("missing-initializer.onnx", model([linear()], [tensor("fc.bias", (4,))]),
          "node 'fc' (Gemm) reads 'fc.weight', which no node, input or initializer defines")
    write("mismatched-shapes.onnx",
          model([linear()], [tensor("fc.weight", (4, 5)), tensor("fc.bias", (4,))]),
          "'fc.weight' has shape (4, 5) in the model, but the layer needs (4, 3)")
    branches = [linear(out="a", name="fc"),
                helper.make_node("Gemm", ["input", "fc2.weight", "fc2.bias"], ["b"], name="fc2",
                                 transB=1),
                helper.make_node("Add", ["a", "b"], ["output"], name="add")]
    write("mismatched-add.onnx",
          model(branches, list(good().graph.initializer) +
                [tensor("fc2.weight", (5, 3)), tensor("fc2.bias", (5,))]),
          "ONNX shape inference fails")
    absurd = TensorProto(name="fc.weight", data_type=TensorProto.FLOAT, dims=[1 << 40, 3])
    write("absurd-initializer-dims.onnx", model([linear()], [absurd, tensor("fc.bias", (4,))]),
          "initializer 'fc.weight' has dimension 1099511627776, which is absurd")
    short = TensorProto(name="fc.weight", data_type=TensorProto.FLOAT, dims=[4, 3],
                        float_data=[0.5] * 5)
    write("data-size-mismatch.onnx", model([linear()], [short, tensor("fc.bias", (4,))]),
          "initializer 'fc.weight' holds 5 values, but its dims need 12")
    ext = tensor("fc.weight", (4, 3))
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    ext.external_data.add(key="location", value="missing-weights.bin")
    write("external-data-missing.onnx", model([linear()], [ext, tensor("fc.bias", (4,))]),
          "external data file")
    esc = tensor("fc.weight", (4, 3))
    esc.ClearField("raw_data")
    esc.data_location = TensorProto.EXTERNAL
    esc.external_data.add(key="location", value="../../../etc/passwd")
    write("external-data-outside.onnx", model([linear()], [esc, tensor("fc.bias", (4,))]),
          "must name a file beside the model")
    shape_of = [helper.make_node("Shape", ["input"], ["s"], name="shape"),
                helper.make_node("Mul", ["s", "two"], ["s2"], name="double"),
                helper.make_node("Reshape", ["input", "s2"], ["output"], name="reshape")]
    two = numpy_helper.from_array(np.array([1, 1], dtype=np.int64), "two")
    write("dynamic-reshape.onnx", model(shape_of, [two]),
          "ONNX node 'reshape' (Reshape): its target shape 's2' is computed at run time")
    # A constant behind 2000 Identity nodes: folding it must stop (a limit), not recurse 2000
    # deep or try every path, and the shape then counts as computed at run time.
    chain = [helper.make_node("Identity", [f"c{i}"], [f"c{i + 1}"], name=f"id{i}")
             for i in range(2000)]
    chain.append(helper.make_node("Reshape", ["input", "c2000"], ["output"], name="reshape"))
    target = numpy_helper.from_array(np.array([0, 3], dtype=np.int64), "c0")
    write("deep-constant-chain.onnx", model(chain, [target]),
          "ONNX node 'reshape' (Reshape): its target shape 'c2000' is computed at run time")
    deep = good()
    deep.metadata_props.add(key="netwright.nodes", value="[" * 100000 + "]" * 100000)
    write("metadata-nested-deep.onnx", deep, "JSON nested deeper than 64 levels")
    bad_meta = good()
    bad_meta.metadata_props.add(key="netwright.nodes", value='{"fc": {"type": 3}}')
    write("metadata-malformed.onnx", bad_meta,
          "the entry of 'fc' needs a \"type\" string and a \"params\" object")
    dyn = [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", "width"])]
    write("dynamic-input-dim.onnx", model([linear()], good().graph.initializer, inputs=dyn),
          "input 'input' has a dynamic dimension 1")
    huge = [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1 << 40])]
    write("absurd-input-dim.onnx", model([helper.make_node("Relu", ["input"], ["output"])],
                                         inputs=huge),
          "input 'input' has dimension 1099511627776, which is absurd")
    half = numpy_helper.from_array(np.full((4, 3), 0.5, dtype=np.float16), "fc.weight")
    write("float16-weights.onnx", model([linear()], [half, tensor("fc.bias", (4,))]),
          "has element type 10 (FLOAT16)")
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in ("output", "r")]
    write("two-outputs.onnx",
          model([linear(), helper.make_node("Relu", ["output"], ["r"], name="r")],
                good().graph.initializer, outputs=outs),
          "Netwright imports networks with one output")
    write("computed-weight.onnx",
          model([helper.make_node("MatMul", ["input", "input"], ["output"], name="mm")]),
          "ONNX node 'mm' (MatMul): Netwright imports MatMul only in the forms")
    bad_attr = helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["output"], name="fc",
                                transB=1.0)
    write("attribute-wrong-type.onnx", model([bad_attr], good().graph.initializer),
          "attribute 'transB' is not an integer")
    write("value-written-twice.onnx",
          model([helper.make_node("Relu", ["input"], ["output"], name="one"),
                 helper.make_node("Relu", ["input"], ["output"], name="two")]),
          "value 'output' is written by two nodes")
    write("no-input.onnx", model([helper.make_node("Constant", [], ["output"], name="c",
                                                   value=tensor("v", (1, 3)))], inputs=[]),
          "the model has no graph input")
    write("input-without-batch.onnx",
          model([helper.make_node("Relu", ["input"], ["output"], name="r")],
                inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, [3])]),
          "Netwright needs (batch, *sample shape)")
    with open(os.path.join(HERE, "EXPECTED.tsv"), "w") as f:
        f.write("# file\twords `netwright-cli import` must print "
                "(written by make_onnx_corpus.py)\n")
        for file, expected in CASES:
            f.write(f"{file}\t{expected}\n")
    print(f"{len(CASES)} files")


if __name__ == "__main__":
    main()
