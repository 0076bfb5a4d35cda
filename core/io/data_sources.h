#pragma once
// Internal to core/io: opening one data source of a project ({"source": "csv", "path": ...}) as a
// dataset, with its "classes" filter and "limit" applied. Problems become a ProjectError at the
// source's JSON location ("data.train.path: no such file ..."). Each kind is opened by its
// catalog entry (io::data_sources()).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/catalog.h"
#include "io/config.h"

namespace nw::io::detail {

// `where` is the source's location ("data.train"); relative paths resolve against base_dir.
OpenedSource open_source(const DataSource& source, const std::string& where,
                         const std::filesystem::path& base_dir);

// The files and folders the source names that are missing, as problems; reads no data.
std::vector<Problem> check_files(const DataSource& source, const std::string& where,
                                 const std::filesystem::path& base_dir);

// base_dir / path, unless path is absolute; made absolute and normal, for messages.
std::filesystem::path resolve_path(const std::string& path, const std::filesystem::path& base_dir);

}  // namespace nw::io::detail
