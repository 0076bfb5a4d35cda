#pragma once
// Small helpers for writing Python source that flake8 accepts with its defaults (79 columns).
#include <set>
#include <string>

namespace nw::interop::python {

constexpr size_t kMaxLine = 79;

bool is_keyword(const std::string& word);
bool is_identifier(const std::string& word);  // and not a keyword
// A variable name made from `stem` ("layer1.0.conv1" -> "layer1_0_conv1"), not in `taken`
// (which it joins); keywords and leading digits get a prefix or suffix.
std::string variable(const std::string& stem, std::set<std::string>& taken);
// `line` (a statement, without indentation) at `indent` spaces, broken inside its last call's
// parentheses when it is longer than kMaxLine: arguments on hanging lines, as few as fit.
std::string wrap(const std::string& line, int indent);
// A string literal: "text" with backslashes and quotes escaped.
std::string quoted(const std::string& text);

}  // namespace nw::interop::python
