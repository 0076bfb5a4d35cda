#include "manual_doc.h"

#include <algorithm>
#include <regex>

namespace nw::manual {

std::vector<std::string> named_extensions(const std::string& value,
                                          const std::string& description) {
  static const std::regex in_text(R"((?:^|[\s(/])\.([A-Za-z][A-Za-z0-9]*))");
  static const std::regex at_end(R"(\.([A-Za-z][A-Za-z0-9]*)$)");
  std::vector<std::string> found;
  if (std::smatch m; std::regex_search(value, m, at_end)) found.push_back(m[1]);
  for (std::sregex_iterator it(description.begin(), description.end(), in_text), end; it != end;
       ++it)
    if (std::find(found.begin(), found.end(), (*it)[1]) == found.end()) found.push_back((*it)[1]);
  return found;
}

}  // namespace nw::manual
