#pragma once
// Fashion-MNIST (Xiao et al., 2017), the bundled real dataset: 60000 training and 10000 test
// images of 28x28 grey clothing items in 10 classes. Debian's `dataset-fashion-mnist` package
// installs it at /usr/share/datasets/fashion-mnist; a copy under another data folder of the
// XDG Base Directory spec ($XDG_DATA_DIRS) is found too.
#include <string>
#include <vector>

#include "data/tensor_dataset.h"

namespace nw::data {

enum class Split { Train, Test };

// Where Debian's package puts the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// The folders searched when no root is given, in order: <each of $XDG_DATA_DIRS (default
// /usr/local/share:/usr/share)>/datasets/fashion-mnist.
std::vector<std::string> fashion_mnist_search_dirs();
// The first of them holding all four files ({train,t10k}-{images-idx3,labels-idx1}-ubyte, with or
// without .gz); empty when none does.
std::string fashion_mnist_dir();
// For messages: "'<root>'", or with no root "any of '<dir 1>', '<dir 2>'" (the search dirs).
std::string fashion_mnist_places(const std::string& root);

// The split as data float32 (N, 1, 28, 28) scaled to [0, 1] and targets int64 (N,). Looks in
// `root` when given, else in fashion_mnist_dir(), for {train,t10k}-{images-idx3,labels-idx1}-ubyte
// with or without .gz. Throws DataError naming the folders looked in and saying how to install
// the data or pass a path when the files are not there. The same layout serves MNIST and KMNIST:
// pass their folder as root.
TensorDataset fashion_mnist(Split split, const std::string& root = "");

// Whether both files of the split are present under root (or the default folder).
bool fashion_mnist_available(Split split, const std::string& root = "");

// Class names by index: "T-shirt/top", "Trouser", ..., "Ankle boot".
const std::vector<std::string>& fashion_mnist_classes();

// Mean and standard deviation of the training pixels after scaling, for Normalize.
inline constexpr double kFashionMnistMean = 0.2860;
inline constexpr double kFashionMnistStd = 0.3530;

}  // namespace nw::data
