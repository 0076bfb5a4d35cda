#pragma once
// The PyTorch code of the data source and transform entries (catalog_sources.cpp,
// catalog_transforms.cpp): Python that reads the same files without torchvision, with h5py,
// numpy and the standard library. See catalog::TorchCode for what each expression is.
#include <nlohmann/json.hpp>

#include "catalog/entry.h"

namespace nw::io::torch_code {

catalog::TorchCode fashion_mnist(const nlohmann::json& spec);
catalog::TorchCode idx(const nlohmann::json& spec);
catalog::TorchCode csv(const nlohmann::json& spec);
catalog::TorchCode hdf5(const nlohmann::json& spec);
catalog::TorchCode image_folder(const nlohmann::json& spec);
catalog::TorchCode synthetic(const nlohmann::json& spec);

catalog::TorchCode normalize(const nlohmann::json& spec);
catalog::TorchCode scale(const nlohmann::json& spec);
catalog::TorchCode random_horizontal_flip(const nlohmann::json& spec);
catalog::TorchCode random_crop(const nlohmann::json& spec);

}  // namespace nw::io::torch_code
