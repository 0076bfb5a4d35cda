#include "data/image_folder.h"

#include <algorithm>
#include <filesystem>

#include "data/data_error.h"
#include "data/image_io.h"
#include "tensor/creation.h"

namespace nw::data {

namespace fs = std::filesystem;

namespace {

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".pgm" ||
         ext == ".ppm";
}

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// The images below `dir`, in sorted path order, skipping hidden files and folders.
std::vector<std::string> images_below(const fs::path& dir) {
  std::vector<std::string> found;
  std::vector<fs::path> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (!hidden(e.path())) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries) {
    if (fs::is_directory(p)) {
      std::vector<std::string> sub = images_below(p);
      found.insert(found.end(), sub.begin(), sub.end());
    } else if (fs::is_regular_file(p) && is_image(p)) {
      found.push_back(p.string());
    }
  }
  return found;
}

}  // namespace

ImageFolder::ImageFolder(const std::string& root, ImageFolderOptions options)
    : root_(root), options_(options) {
  const std::string where = "ImageFolder: '" + root + "' ";
  if (options.channels_ != 1 && options.channels_ != 3 && options.channels_ != 4)
    throw DataError("ImageFolder: channels must be 1 (grey), 3 (RGB) or 4 (RGBA), got " +
                    std::to_string(options.channels_));
  if ((options.height_ > 0) != (options.width_ > 0) || options.height_ < 0 || options.width_ < 0)
    throw DataError("ImageFolder: set both height and width (> 0) to resize, or neither; got " +
                    std::to_string(options.height_) + "x" + std::to_string(options.width_));
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw DataError(where + "is not a folder; pass a folder with one subfolder per class");
  try {
    std::vector<fs::path> class_dirs;
    for (const fs::directory_entry& e : fs::directory_iterator(root))
      if (e.is_directory() && !hidden(e.path())) class_dirs.push_back(e.path());
    std::sort(class_dirs.begin(), class_dirs.end());
    if (class_dirs.empty())
      throw DataError(where +
                      "has no subfolders; put each class's images in its own subfolder, "
                      "e.g. " +
                      root + "/cat/001.png");
    for (const fs::path& dir : class_dirs) {
      std::vector<std::string> images = images_below(dir);
      if (images.empty())
        throw DataError(where + "class folder '" + dir.filename().string() +
                        "' holds no images (.png, .jpg, .jpeg, .bmp, .pgm, .ppm); add some or "
                        "remove the folder");
      for (std::string& p : images) samples_.push_back({std::move(p), int64_t(classes_.size())});
      classes_.push_back(dir.filename().string());
    }
  } catch (const fs::filesystem_error& e) {
    throw DataError(where + "cannot be listed: " + e.what());
  }
}

Example ImageFolder::get(int64_t index) const {
  check_sample_index(index, size(), "ImageFolder");
  const Sample& s = samples_[size_t(index)];
  return {read_image(s.path, options_.channels_, options_.height_, options_.width_),
          scalar_tensor(double(s.label), kInt64)};
}

TensorDataset ImageFolder::load() const {
  std::vector<int64_t> all(samples_.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = int64_t(i);
  Example batch = get_batch(all);
  return TensorDataset(batch.data, batch.target);
}

TensorDataset read_image_folder(const std::string& root, ImageFolderOptions options) {
  return ImageFolder(root, options).load();
}

}  // namespace nw::data
