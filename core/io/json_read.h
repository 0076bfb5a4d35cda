#pragma once
// The one way Netwright reads JSON text (projects, recovery copies, pasted nodes, typed-in
// values). Before any document is built, one pass over the text checks the limits below, because
// nlohmann's parser and the destructor of the document it builds recurse once per nesting level:
// "[" repeated 100,000 times overflows the stack, and a limit checked on the finished document
// comes too late. The other limits keep memory in proportion to what a Netwright file needs.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "io/io_error.h"

namespace nw::io {

// A project is at most 8 levels deep (data.transforms[0].mean[0] is the deepest place), so 64
// leaves room for keys a later version or another tool adds without letting the parser recurse
// anywhere near the stack's end.
inline constexpr int kMaxJsonDepth = 64;
// Node ids, names and paths are short; 1 MiB is far beyond any of them.
inline constexpr size_t kMaxJsonStringBytes = size_t(1) << 20;
// The longest list in a project is its node list (ResNet-18: about 70 nodes).
inline constexpr size_t kMaxJsonItems = 1'000'000;
// The largest file read as JSON: projects with thousands of nodes are well under 1 MiB.
inline constexpr size_t kMaxJsonFileBytes = size_t(64) << 20;

// Syntax errors and crossed limits, each with "line L, column C" as its place.
struct JsonError : IoError {
  using IoError::IoError;
};

// "line 3, column 5" for a byte offset into `text` (0-based).
std::string json_line_column(const std::string& text, size_t byte);

// Parses `text`; `file` names the source in messages. Throws JsonError on a syntax error, a
// number that no double holds (1e400), nesting deeper than kMaxJsonDepth, a string longer than
// kMaxJsonStringBytes, a list or object of more than kMaxJsonItems, or text longer than
// kMaxJsonFileBytes.
nlohmann::json parse_json(const std::string& text, const std::string& file);

// For text that may not be JSON at all (the clipboard, a value typed into a field): the document,
// or nullopt on a syntax error or a crossed limit, which the caller treats as "not JSON".
std::optional<nlohmann::json> try_parse_json(const std::string& text);

// The whole file as text, refusing one larger than kMaxJsonFileBytes before reading it. Throws
// JsonError naming `shown` (the path as the user gave it) when the file is missing or unreadable.
std::string read_json_file(const std::filesystem::path& path, const std::string& shown);

}  // namespace nw::io
