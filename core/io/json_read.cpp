#include "io/json_read.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace nw::io {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string json_line_column(const std::string& text, size_t byte) {
  const size_t end = std::min(byte, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

namespace {

std::string mib(size_t bytes) {
  std::ostringstream os;
  os.precision(bytes < (size_t(10) << 20) ? 2 : 0);
  os << std::fixed << double(bytes) / double(1 << 20) << " MiB";
  return os.str();
}

[[noreturn]] void refuse(const std::string& text, size_t byte, const std::string& file,
                         const std::string& message) {
  throw JsonError(file, {{json_line_column(text, byte), message}});
}

bool number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// One pass over the text, outside strings counting nesting and items and reading numbers; it
// checks only the limits: syntax is the parser's, which runs once the text has passed.
void check_limits(const std::string& text, const std::string& file) {
  if (text.size() > kMaxJsonFileBytes)
    refuse(text, 0, file,
           "the text is " + mib(text.size()) + "; Netwright reads JSON of at most " +
               mib(kMaxJsonFileBytes) + " (is this a Netwright file?)");
  std::vector<size_t> items;  // per open list or object: the separators seen so far
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t start = i;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (i - start - 1 > kMaxJsonStringBytes)
        refuse(text, start, file,
               "a string of " + mib(i - start - 1) + "; a string in a Netwright file is at most " +
                   mib(kMaxJsonStringBytes) + " (names, ids and paths are short)");
    } else if (c == '[' || c == '{') {
      if (items.size() == size_t(kMaxJsonDepth))
        refuse(text, i, file,
               "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                   " levels; a Netwright project is at most 8 levels deep (is this a Netwright "
                   "file?)");
      items.push_back(0);
    } else if (c == ']' || c == '}') {
      if (!items.empty()) items.pop_back();
    } else if (c == ',' && !items.empty()) {
      if (++items.back() >= kMaxJsonItems)
        refuse(text, i, file,
               "a list or object of more than " + std::to_string(kMaxJsonItems) +
                   " items; no list in a Netwright file needs that many");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = i;
      while (end < text.size() && number_char(text[end])) ++end;
      // strtod stops at the first character that is not part of a number: the copy ends there.
      const std::string token = text.substr(i, std::min<size_t>(end - i, 400));
      if (std::isinf(std::strtod(token.c_str(), nullptr)))
        refuse(text, i, file,
               "the number " + token.substr(0, 40) +
                   " is out of range (at most about 1.8e308); write a smaller number");
      i = end - 1;
    }
  }
}

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while parsing
// object - ..." -> "JSON syntax error while parsing object - ...": the place is given separately.
std::string syntax_message(const std::string& what) {
  const size_t colon = what.find(": ");
  return "JSON " + (colon == std::string::npos ? what : what.substr(colon + 2));
}

}  // namespace

json parse_json(const std::string& text, const std::string& file) {
  check_limits(text, file);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann reports the offset just past the last character it read.
    refuse(text, e.byte == 0 ? 0 : e.byte - 1, file, syntax_message(e.what()));
  } catch (const json::exception& e) {
    // Any other refusal of the parser (none is known once the limits pass): no place to name.
    throw JsonError(file, {{"", syntax_message(e.what())}});
  }
}

std::optional<json> try_parse_json(const std::string& text) {
  try {
    return parse_json(text, "<text>");
  } catch (const JsonError&) {
    return std::nullopt;
  }
}

std::string read_json_file(const fs::path& path, const std::string& shown) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw JsonError(shown, {{"", fs::exists(path, ec) ? "not a file; open a .nwproj file"
                                                      : "no such file; check the path"}});
  const uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxJsonFileBytes)
    throw JsonError(shown, {{"", "the file is " + mib(size_t(size)) +
                                     "; Netwright reads JSON files of at most " +
                                     mib(kMaxJsonFileBytes) + " (is this a Netwright file?)"}});
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.is_open() || (!in.good() && !in.eof()))
    throw JsonError(shown, {{"", "cannot read the file; check its permissions"}});
  return text.str();
}

}  // namespace nw::io
