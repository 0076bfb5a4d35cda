#include "data/fashion_mnist.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "data/data_error.h"
#include "data/idx.h"

namespace nw::data {

namespace fs = std::filesystem;

namespace {

// The existing file for `stem` under root, gzipped first; empty when neither exists.
std::string find_file(const std::string& root, const std::string& stem) {
  for (const char* ext : {".gz", ""}) {
    fs::path p = fs::path(root) / (stem + ext);
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

std::string prefix(Split split) {
  return split == Split::Train ? "train" : "t10k";
}

bool has_split(const std::string& dir, Split split) {
  return !find_file(dir, prefix(split) + "-images-idx3-ubyte").empty() &&
         !find_file(dir, prefix(split) + "-labels-idx1-ubyte").empty();
}

}  // namespace

std::vector<std::string> fashion_mnist_search_dirs() {
  // The XDG Base Directory spec: an unset or empty XDG_DATA_DIRS means this default.
  const char* env = std::getenv("XDG_DATA_DIRS");
  std::istringstream list(env && *env ? env : "/usr/local/share:/usr/share");
  std::vector<std::string> dirs;
  for (std::string base; std::getline(list, base, ':');)
    if (fs::path(base).is_absolute())
      dirs.push_back((fs::path(base) / "datasets/fashion-mnist").string());
  return dirs;
}

std::string fashion_mnist_dir() {
  for (const std::string& dir : fashion_mnist_search_dirs())
    if (has_split(dir, Split::Train) && has_split(dir, Split::Test)) return dir;
  return "";
}

std::string fashion_mnist_places(const std::string& root) {
  if (!root.empty()) return "'" + root + "'";
  std::string text;
  for (const std::string& dir : fashion_mnist_search_dirs())
    text += (text.empty() ? "any of '" : ", '") + dir + "'";
  return text.empty() ? "no folder ($XDG_DATA_DIRS names none)" : text;
}

bool fashion_mnist_available(Split split, const std::string& root) {
  const std::string dir = root.empty() ? fashion_mnist_dir() : root;
  return !dir.empty() && has_split(dir, split);
}

TensorDataset fashion_mnist(Split split, const std::string& root) {
  const std::string dir = root.empty() ? fashion_mnist_dir() : root;
  const std::string images_stem = prefix(split) + "-images-idx3-ubyte";
  const std::string labels_stem = prefix(split) + "-labels-idx1-ubyte";
  const std::string images = find_file(dir, images_stem), labels = find_file(dir, labels_stem);
  if (images.empty() || labels.empty()) {
    const std::string missing = images.empty() ? images_stem : labels_stem;
    std::string fix = root.empty()
                          ? "install it with `sudo apt-get install dataset-fashion-mnist`, or "
                            "download the four files from "
                            "https://github.com/zalandoresearch/fashion-mnist and pass their "
                            "folder as root"
                          : "check the folder, or leave root empty to use the Debian package "
                            "(`sudo apt-get install dataset-fashion-mnist`)";
    throw DataError("fashion_mnist: " + missing + "(.gz) is not in " + fashion_mnist_places(root) +
                    "; " + fix);
  }
  return read_idx_dataset(images, labels);
}

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                 "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                 "Bag",         "Ankle boot"};
  return names;
}

}  // namespace nw::data
