// The transforms of the "data" section ({"type": "normalize", "mean": [0.5], "std": [0.5]}):
// one catalog entry each, with the transform it builds.
#include "data/transforms.h"
#include "io/catalog.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "io/torch_sources.h"

namespace nw::io {

namespace {

using catalog::ArgKind;
using catalog::ArgSpec;
using catalog::PathKind;
using detail::ObjectReader;
using json = nlohmann::json;

TransformEntry transform(std::string name, std::string description, std::vector<ArgSpec> args,
                         std::function<data::TransformPtr(const json&)> make,
                         catalog::TorchCodeWriter torch_code, bool random = false) {
  TransformEntry e;
  e.name = std::move(name);
  e.category = random ? "Augmentation" : "Preprocessing";
  e.description = std::move(description);
  e.args = std::move(args);
  e.make = std::move(make);
  e.random = random;
  e.torch_code = std::move(torch_code);
  return e;
}

void add_builtin_transforms(catalog::Table<TransformEntry>& t) {
  TransformEntry normalize = transform(
      "normalize", "(x - mean) / std, per channel",
      {{.name = "mean",
        .kind = ArgKind::FloatOrList,
        .description = "the mean, or one per channel",
        .required = true,
        .starter = json::array({0.5})},
       {.name = "std",
        .kind = ArgKind::FloatOrList,
        .description = "the standard deviation, or one per channel",
        .min = 1e-12,
        .required = true,
        .starter = json::array({0.5})}},
      [](const json& s) -> data::TransformPtr {
        return std::make_shared<data::Normalize>(detail::numbers_or(s, "mean", {}),
                                                 detail::numbers_or(s, "std", {}));
      },
      torch_code::normalize);
  normalize.check = [](const json& s, const std::string& at, std::vector<Problem>& problems) {
    if (s["mean"].is_array() && s["std"].is_array() && s["mean"].size() != s["std"].size())
      problems.push_back({at, "mean has " + std::to_string(s["mean"].size()) + " values and std " +
                                  std::to_string(s["std"].size()) +
                                  "; give one per channel in both"});
  };
  t.add(std::move(normalize));
  t.add(transform(
      "scale", "x / max_value: 8-bit pixels to [0, 1]",
      {{.name = "max_value",
        .kind = ArgKind::Float,
        .default_value = 255.0,
        .description = "the largest raw value",
        .min = 1e-12}},
      [](const json& s) -> data::TransformPtr {
        return std::make_shared<data::ScaleTo01>(s.at("max_value").get<double>());
      },
      torch_code::scale));
  t.add(transform(
      "random_horizontal_flip", "mirrors an image left to right with probability p",
      {{.name = "p",
        .kind = ArgKind::Float,
        .default_value = 0.5,
        .description = "probability of a flip",
        .min = 0,
        .max = 1}},
      [](const json& s) -> data::TransformPtr {
        return std::make_shared<data::RandomHorizontalFlip>(s.at("p").get<double>());
      },
      torch_code::random_horizontal_flip, /*random=*/true));
  t.add(transform(
      "random_crop", "a random crop of the image, padded first",
      {{.name = "size",
        .kind = ArgKind::IntPair,
        .description = "the crop: 28, or height, width",
        .min = 1,
        .required = true,
        .starter = 28},
       {.name = "padding",
        .kind = ArgKind::Int,
        .default_value = 0,
        .description = "zeros added on every side before cropping",
        .min = 0}},
      [](const json& s) -> data::TransformPtr {
        const json& size = s.at("size");
        const int64_t h = size.is_array() ? size[0].get<int64_t>() : size.get<int64_t>();
        const int64_t w = size.is_array() ? size[1].get<int64_t>() : h;
        return std::make_shared<data::RandomCrop>(h, w, s.at("padding").get<int64_t>());
      },
      torch_code::random_crop, /*random=*/true));
}

}  // namespace

catalog::Table<TransformEntry>& transforms() {
  static catalog::Table<TransformEntry>* table = [] {
    auto* t = new catalog::Table<TransformEntry>("transform");
    add_builtin_transforms(*t);
    return t;
  }();
  return *table;
}

}  // namespace nw::io
