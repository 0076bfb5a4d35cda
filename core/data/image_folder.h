#pragma once
// A folder of images with one subfolder per class, as torchvision.datasets.ImageFolder:
//
//   root/cat/001.png   -> class 0 ("cat")
//   root/dog/xyz.jpg   -> class 1 ("dog")
//
// Classes are the subfolder names sorted; images are found recursively below each class folder,
// in sorted path order. Files that are not .png, .jpg, .jpeg, .bmp, .pgm or .ppm are skipped, and
// so are names starting with '.' (e.g. .ipynb_checkpoints).
#include <string>
#include <vector>

#include "data/tensor_dataset.h"

namespace nw::data {

// Set with chained calls: ImageFolderOptions().size(32, 32).channels(1)
struct ImageFolderOptions {
  // Every image is resized to height x width (bilinear). Unset, each image keeps its own size,
  // which then must agree within a batch.
  ImageFolderOptions size(int64_t height, int64_t width) const {
    ImageFolderOptions o = *this;
    o.height_ = height;
    o.width_ = width;
    return o;
  }
  // 1 grey, 3 RGB (the default), 4 RGBA; images are converted.
  ImageFolderOptions channels(int c) const {
    ImageFolderOptions o = *this;
    o.channels_ = c;
    return o;
  }

  int64_t height_ = 0;
  int64_t width_ = 0;
  int channels_ = 3;
};

// Lists the images when made and decodes each one when it is asked for, so a DataLoader with
// workers decodes in the background. Sample: data float32 (channels, height, width) in [0, 1],
// target int64 scalar (the class index).
class ImageFolder : public Dataset {
 public:
  // Throws DataError when root is missing, has no class folders, or a class has no images.
  explicit ImageFolder(const std::string& root, ImageFolderOptions options = {});

  int64_t size() const override { return int64_t(samples_.size()); }
  Example get(int64_t index) const override;

  const std::vector<std::string>& classes() const { return classes_; }
  const std::string& path(int64_t index) const { return samples_.at(size_t(index)).path; }
  int64_t label(int64_t index) const { return samples_.at(size_t(index)).label; }
  // Decodes every image into one dataset: data (N, channels, height, width), targets (N,).
  TensorDataset load() const;

 private:
  struct Sample {
    std::string path;
    int64_t label;
  };
  std::string root_;
  ImageFolderOptions options_;
  std::vector<std::string> classes_;
  std::vector<Sample> samples_;
};

// ImageFolder(root, options).load(): the whole folder in memory.
TensorDataset read_image_folder(const std::string& root, ImageFolderOptions options = {});

}  // namespace nw::data
