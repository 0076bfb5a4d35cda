#include "io/block_library.h"

// The built-in blocks, kept as block files: the same reader checks them as a user's files, and
// tst_block_library analyzes and compiles each one and checks its counts against torchvision.

namespace nw::io {

namespace {

// BasicBlock and DownBlock are the definitions of tests/fixtures/resnet18_blocks.nwproj, so that
// adding them to a ResNet-18 project built from blocks reuses its own.
const char* const kBuiltinBlocks[] = {
    R"json({"netwright_block": 1, "name": "BasicBlock", "blocks": [{
 "name": "BasicBlock",
 "description": "torchvision's BasicBlock: two 3x3 convolutions and the identity shortcut",
 "params": [
  {"name": "channels", "type": "int", "default": 64, "min": 1}
 ],
 "inputs": ["x"], "outputs": [{"name": "out", "from": "relu2"}],
 "nodes": [
  {"id": "x", "type": "Input", "pos": [0, 0]},
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 3, "padding": 1, "bias": false}, "pos": [0, 80]},
  {"id": "bn1", "type": "BatchNorm2d", "pos": [0, 160]},
  {"id": "relu", "type": "ReLU", "pos": [0, 240]},
  {"id": "conv2", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 3, "padding": 1, "bias": false}, "pos": [0, 320]},
  {"id": "bn2", "type": "BatchNorm2d", "pos": [0, 400]},
  {"id": "add", "type": "Add", "pos": [0, 480]},
  {"id": "relu2", "type": "ReLU", "pos": [0, 560]}
 ],
 "edges": [
  ["x", "conv1"], ["conv1", "bn1"], ["bn1", "relu"], ["relu", "conv2"],
  ["conv2", "bn2"], ["bn2", "add"], ["add", "relu2"], ["x", "add:1"]
 ]}]})json",
    R"json({"netwright_block": 1, "name": "DownBlock", "blocks": [{
 "name": "DownBlock",
 "description": "torchvision's BasicBlock with a stride and a 1x1 downsample shortcut",
 "params": [
  {"name": "channels", "type": "int", "default": 64, "min": 1},
  {"name": "stride", "type": "int", "default": 2, "min": 1}
 ],
 "inputs": ["x"], "outputs": [{"name": "out", "from": "relu2"}],
 "nodes": [
  {"id": "x", "type": "Input", "pos": [0, 0]},
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 3, "stride": "$stride", "padding": 1, "bias": false}, "pos": [0, 80]},
  {"id": "bn1", "type": "BatchNorm2d", "pos": [0, 160]},
  {"id": "relu", "type": "ReLU", "pos": [0, 240]},
  {"id": "conv2", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 3, "padding": 1, "bias": false}, "pos": [0, 320]},
  {"id": "bn2", "type": "BatchNorm2d", "pos": [0, 400]},
  {"id": "add", "type": "Add", "pos": [0, 480]},
  {"id": "relu2", "type": "ReLU", "pos": [0, 560]},
  {"id": "downsample.0", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 1, "stride": "$stride", "bias": false}, "pos": [260, 80]},
  {"id": "downsample.1", "type": "BatchNorm2d", "pos": [260, 160]}
 ],
 "edges": [
  ["x", "conv1"], ["conv1", "bn1"], ["bn1", "relu"], ["relu", "conv2"],
  ["conv2", "bn2"], ["bn2", "add"], ["add", "relu2"], ["x", "downsample.0"],
  ["downsample.0", "downsample.1"], ["downsample.1", "add:1"]
 ]}]})json",
    R"json({"netwright_block": 1, "name": "Bottleneck", "blocks": [{
 "name": "Bottleneck",
 "description": "torchvision's Bottleneck: 1x1, 3x3 and 1x1 convolutions and the identity shortcut (input channels = channels)",
 "params": [
  {"name": "width", "type": "int", "default": 64, "min": 1, "description": "channels of the 3x3 convolution (torchvision's planes)"},
  {"name": "channels", "type": "int", "default": 256, "min": 1, "description": "output channels (torchvision: planes * 4)"}
 ],
 "inputs": ["x"], "outputs": [{"name": "out", "from": "relu3"}],
 "nodes": [
  {"id": "x", "type": "Input", "pos": [0, 0]},
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": "$width", "kernel_size": 1, "bias": false}, "pos": [0, 80]},
  {"id": "bn1", "type": "BatchNorm2d", "pos": [0, 160]},
  {"id": "relu", "type": "ReLU", "pos": [0, 240]},
  {"id": "conv2", "type": "Conv2d", "params": {"out_channels": "$width", "kernel_size": 3, "padding": 1, "bias": false}, "pos": [0, 320]},
  {"id": "bn2", "type": "BatchNorm2d", "pos": [0, 400]},
  {"id": "relu2", "type": "ReLU", "pos": [0, 480]},
  {"id": "conv3", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 1, "bias": false}, "pos": [0, 560]},
  {"id": "bn3", "type": "BatchNorm2d", "pos": [0, 640]},
  {"id": "add", "type": "Add", "pos": [0, 720]},
  {"id": "relu3", "type": "ReLU", "pos": [0, 800]}
 ],
 "edges": [
  ["x", "conv1"], ["conv1", "bn1"], ["bn1", "relu"], ["relu", "conv2"],
  ["conv2", "bn2"], ["bn2", "relu2"], ["relu2", "conv3"], ["conv3", "bn3"],
  ["bn3", "add"], ["add", "relu3"], ["x", "add:1"]
 ]}]})json",
    R"json({"netwright_block": 1, "name": "BottleneckDown", "blocks": [{
 "name": "BottleneckDown",
 "description": "torchvision's Bottleneck: 1x1, 3x3 (with the stride) and 1x1 convolutions and a 1x1 downsample shortcut",
 "params": [
  {"name": "width", "type": "int", "default": 64, "min": 1, "description": "channels of the 3x3 convolution (torchvision's planes)"},
  {"name": "channels", "type": "int", "default": 256, "min": 1, "description": "output channels (torchvision: planes * 4)"},
  {"name": "stride", "type": "int", "default": 1, "min": 1}
 ],
 "inputs": ["x"], "outputs": [{"name": "out", "from": "relu3"}],
 "nodes": [
  {"id": "x", "type": "Input", "pos": [0, 0]},
  {"id": "conv1", "type": "Conv2d", "params": {"out_channels": "$width", "kernel_size": 1, "bias": false}, "pos": [0, 80]},
  {"id": "bn1", "type": "BatchNorm2d", "pos": [0, 160]},
  {"id": "relu", "type": "ReLU", "pos": [0, 240]},
  {"id": "conv2", "type": "Conv2d", "params": {"out_channels": "$width", "kernel_size": 3, "stride": "$stride", "padding": 1, "bias": false}, "pos": [0, 320]},
  {"id": "bn2", "type": "BatchNorm2d", "pos": [0, 400]},
  {"id": "relu2", "type": "ReLU", "pos": [0, 480]},
  {"id": "conv3", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 1, "bias": false}, "pos": [0, 560]},
  {"id": "bn3", "type": "BatchNorm2d", "pos": [0, 640]},
  {"id": "add", "type": "Add", "pos": [0, 720]},
  {"id": "relu3", "type": "ReLU", "pos": [0, 800]},
  {"id": "downsample.0", "type": "Conv2d", "params": {"out_channels": "$channels", "kernel_size": 1, "stride": "$stride", "bias": false}, "pos": [260, 80]},
  {"id": "downsample.1", "type": "BatchNorm2d", "pos": [260, 160]}
 ],
 "edges": [
  ["x", "conv1"], ["conv1", "bn1"], ["bn1", "relu"], ["relu", "conv2"],
  ["conv2", "bn2"], ["bn2", "relu2"], ["relu2", "conv3"], ["conv3", "bn3"],
  ["bn3", "add"], ["add", "relu3"], ["x", "downsample.0"], ["downsample.0", "downsample.1"],
  ["downsample.1", "add:1"]
 ]}]})json",
    R"json({"netwright_block": 1, "name": "ConvBNReLU", "blocks": [{
 "name": "ConvBNReLU",
 "description": "a convolution without bias, batch norm and ReLU (torchvision's Conv2dNormActivation); the input channels follow the input",
 "params": [
  {"name": "out_channels", "type": "int", "default": 64, "min": 1},
  {"name": "kernel_size", "type": "int", "default": 3, "min": 1},
  {"name": "stride", "type": "int", "default": 1, "min": 1},
  {"name": "padding", "type": "int", "default": 1, "min": 0}
 ],
 "inputs": ["x"], "outputs": [{"name": "out", "from": "relu"}],
 "nodes": [
  {"id": "x", "type": "Input", "pos": [0, 0]},
  {"id": "conv", "type": "Conv2d", "params": {"out_channels": "$out_channels", "kernel_size": "$kernel_size", "stride": "$stride", "padding": "$padding", "bias": false}, "pos": [0, 80]},
  {"id": "bn", "type": "BatchNorm2d", "pos": [0, 160]},
  {"id": "relu", "type": "ReLU", "pos": [0, 240]}
 ],
 "edges": [
  ["x", "conv"], ["conv", "bn"], ["bn", "relu"]
 ]}]})json",
};

}  // namespace

const std::vector<BlockFile>& builtin_blocks() {
  static const std::vector<BlockFile> blocks = [] {
    std::vector<BlockFile> out;
    for (const char* text : kBuiltinBlocks)
      out.push_back(parse_block_file(text, "<built-in block>"));
    return out;
  }();
  return blocks;
}

}  // namespace nw::io
