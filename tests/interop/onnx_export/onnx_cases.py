"""Small generated projects for check_onnx_runtime.py: for each layer type that no bundled project
uses, one or more networks using it, with the parameter values whose ONNX form differs (padding
words, groups, dilation, ceil_mode windows past the input, divisor_override, (N, C) batch norm,
stacked recurrent layers, both GELU forms, Flatten of inner dims).

cases() returns (layer type, case name, project JSON) triples.
"""


def project(name, nodes, edges):
    return {
        "netwright": 1,
        "name": name,
        "graph": {"nodes": [dict(n, pos=[0, 80 * i]) for i, n in enumerate(nodes)],
                  "edges": edges},
        "training": {"loss": {"type": "MSELoss"}, "optimizer": {"type": "SGD", "lr": 0.1}},
    }


def chain(name, shape, layers):
    """Input of `shape`, then each (type, params) in order; ids are the types, lowercased."""
    nodes = [{"id": "input", "type": "Input", "params": {"shape": shape}}]
    for i, (layer_type, params) in enumerate(layers):
        nodes.append({"id": f"{layer_type.lower()}_{i}", "type": layer_type, "params": params})
    edges = [[a["id"], b["id"]] for a, b in zip(nodes, nodes[1:])]
    return project(name, nodes, edges)


def branches(name, shape, merge, merge_params, left, right):
    """Input of `shape` into two layers whose outputs meet in `merge`."""
    nodes = [{"id": "input", "type": "Input", "params": {"shape": shape}},
             dict(left, id="left"), dict(right, id="right"),
             {"id": "merge", "type": merge, "params": merge_params}]
    edges = [["input", "left"], ["input", "right"], ["left", "merge"], ["right", "merge:1"]]
    return project(name, nodes, edges)


def cases():
    conv = {"out_channels": 4, "kernel_size": 3}
    return [
        ("Embedding", "embedding", chain("embedding", [6], [
            ("Embedding", {"num_embeddings": 10, "embedding_dim": 4, "padding_idx": 0}),
            ("Flatten", {})])),
        ("Conv1d", "conv1d", chain("conv1d", [4, 16], [
            ("Conv1d", {"out_channels": 6, "kernel_size": 3, "padding": "same", "dilation": 2}),
            ("Conv1d", {"out_channels": 4, "kernel_size": 4, "stride": 2, "padding": 1,
                        "groups": 2}),
            ("Conv1d", {"out_channels": 4, "kernel_size": 2, "padding": "valid", "bias": False})])),
        ("Conv2d", "conv2d-same-groups", chain("conv2d", [4, 9, 8], [
            ("Conv2d", {"out_channels": 6, "kernel_size": [4, 3], "padding": "same", "groups": 2}),
            ("Conv2d", {"out_channels": 4, "kernel_size": 3, "stride": [2, 1], "padding": [1, 2],
                        "dilation": [1, 2]})])),
        ("ConvTranspose2d", "conv-transpose", chain("conv transpose", [4, 5, 5], [
            ("ConvTranspose2d", {"out_channels": 6, "kernel_size": 3, "stride": 2, "padding": 1,
                                 "output_padding": 1, "groups": 2}),
            ("ConvTranspose2d", {"out_channels": 3, "kernel_size": [2, 3], "stride": [1, 2],
                                 "dilation": 2, "bias": False})])),
        ("MaxPool2d", "maxpool-ceil-dilation", chain("max pool", [2, 10, 10], [
            ("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2,
                           "ceil_mode": True})])),
        ("MaxPool2d", "maxpool-ceil-last-window", chain("max pool", [2, 5, 5], [
            ("MaxPool2d", {"kernel_size": 2, "stride": 2, "padding": 1, "ceil_mode": True})])),
        ("AvgPool2d", "avgpool-ceil-exclude-pad", chain("avg pool", [3, 9, 8], [
            ("AvgPool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                           "count_include_pad": False})])),
        ("AvgPool2d", "avgpool-include-pad", chain("avg pool", [3, 9, 8], [
            ("AvgPool2d", {"kernel_size": [3, 2], "stride": [2, 1], "padding": 1})])),
        ("AvgPool2d", "avgpool-divisor", chain("avg pool", [3, 8, 8], [
            ("AvgPool2d", {"kernel_size": 2, "padding": 1, "divisor_override": 3})])),
        ("AdaptiveAvgPool2d", "adaptive-avgpool", chain("adaptive", [3, 4, 6], [
            ("AdaptiveAvgPool2d", {"output_size": [2, 3]})])),
        ("BatchNorm1d", "batchnorm1d-features", chain("bn1d", [8], [
            ("Linear", {"out_features": 6}), ("BatchNorm1d", {}),
            ("BatchNorm1d", {"affine": False, "momentum": None})])),
        ("BatchNorm1d", "batchnorm1d-sequence", chain("bn1d", [3, 7], [
            ("BatchNorm1d", {"eps": 0.01})])),
        ("BatchNorm2d", "batchnorm2d", chain("bn2d", [3, 4, 4], [("BatchNorm2d", {})])),
        ("BatchNorm2d", "batchnorm2d-batch-stats", chain("bn2d", [3, 4, 4], [
            ("BatchNorm2d", {"track_running_stats": False}),
            ("BatchNorm2d", {"track_running_stats": False, "affine": False})])),
        ("BatchNorm1d", "batchnorm1d-batch-stats", chain("bn1d", [5], [
            ("BatchNorm1d", {"track_running_stats": False, "eps": 0.1})])),
        ("LayerNorm", "layernorm", chain("layernorm", [5, 6], [
            ("LayerNorm", {"normalized_shape": [5, 6]}),
            ("LayerNorm", {"elementwise_affine": False, "eps": 0.001})])),
        ("LSTM", "lstm-stacked", chain("lstm", [7, 5], [
            ("LSTM", {"hidden_size": 6, "num_layers": 2, "bias": False})])),
        ("GRU", "gru-hidden", project("gru", [
            {"id": "input", "type": "Input", "params": {"shape": [7, 5]}},
            {"id": "gru", "type": "GRU", "params": {"hidden_size": 6, "num_layers": 2}},
            {"id": "fc", "type": "Linear", "params": {"out_features": 3}}],
            [["input", "gru"], ["gru:1", "fc"]])),
        ("GRU", "gru-sequence", chain("gru", [4, 3], [
            ("GRU", {"hidden_size": 5}), ("LastStep", {})])),
        ("Linear", "linear-3d", chain("linear", [4, 6], [
            ("Linear", {"out_features": 5}), ("Linear", {"out_features": 3, "bias": False})])),
        ("ReLU", "relu", chain("relu", [9], [("ReLU", {})])),
        ("LeakyReLU", "leaky-relu", chain("leaky", [9], [("LeakyReLU", {"negative_slope": 0.2})])),
        ("ELU", "elu", chain("elu", [9], [("ELU", {"alpha": 0.7})])),
        ("GELU", "gelu", chain("gelu", [9], [("GELU", {})])),
        ("GELU", "gelu-tanh", chain("gelu", [9], [("GELU", {"approximate": "tanh"})])),
        ("SiLU", "silu", chain("silu", [9], [("SiLU", {})])),
        ("Sigmoid", "sigmoid", chain("sigmoid", [9], [("Sigmoid", {})])),
        ("Tanh", "tanh", chain("tanh", [9], [("Tanh", {})])),
        ("Softmax", "softmax", chain("softmax", [4, 6], [
            ("Softmax", {"dim": 1}), ("Softmax", {"dim": -1})])),
        ("LogSoftmax", "log-softmax", chain("log softmax", [4, 6], [("LogSoftmax", {"dim": -1})])),
        ("Dropout", "dropout", chain("dropout", [9], [("Linear", {"out_features": 4}),
                                                      ("Dropout", {"p": 0.3})])),
        ("Dropout2d", "dropout2d", chain("dropout2d", [3, 4, 4], [("Conv2d", conv),
                                                                  ("Dropout2d", {})])),
        ("Flatten", "flatten-inner", chain("flatten", [2, 3, 4], [
            ("Flatten", {"start_dim": 2}), ("Flatten", {"start_dim": 1, "end_dim": -1})])),
        ("Unflatten", "unflatten", chain("unflatten", [12], [
            ("Unflatten", {"dim": 1, "unflattened_size": [3, 4]}),
            ("Linear", {"out_features": 2})])),
        ("Reshape", "reshape", chain("reshape", [2, 6], [("Reshape", {"shape": [3, -1]})])),
        ("LastStep", "last-step", chain("last step", [5, 3, 2], [("LastStep", {})])),
        ("Identity", "identity", chain("identity", [5], [("Identity", {}),
                                                         ("Linear", {"out_features": 2}),
                                                         ("Identity", {})])),
        ("Add", "add", branches("add", [3, 4, 4], "Add", {}, {"type": "Conv2d", "params": conv},
                                {"type": "Conv2d", "params": dict(conv, out_channels=1)})),
        ("Concat", "concat", branches("concat", [3, 4, 4], "Concat", {"dim": 1},
                                      {"type": "Conv2d", "params": conv},
                                      {"type": "Conv2d", "params": dict(conv, out_channels=2)})),
        ("Concat", "concat-last", branches("concat", [6], "Concat", {"dim": -1},
                                           {"type": "Linear", "params": {"out_features": 3}},
                                           {"type": "ReLU", "params": {}})),
    ]
