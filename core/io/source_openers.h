#pragma once
// Internal to core/io: the factories of the built-in data sources (catalog_sources.cpp holds
// their entries). Each gets a spec that passed its entry's check, with the defaults filled in.
#include "io/catalog.h"

namespace nw::io::detail {

OpenedSource open_fashion_mnist(const SourceContext& source);
// Whether the installed copy (or "root") holds the split's files.
void check_fashion_mnist_files(const SourceContext& source, std::vector<Problem>& problems);
OpenedSource open_idx(const SourceContext& source);
OpenedSource open_csv(const SourceContext& source);
OpenedSource open_hdf5(const SourceContext& source);
OpenedSource open_image_folder(const SourceContext& source);
OpenedSource open_synthetic(const SourceContext& source);

}  // namespace nw::io::detail
