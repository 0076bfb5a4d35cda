#include "interop/python_text.h"

#include <cctype>
#include <vector>

namespace nw::interop::python {

namespace {

// Python 3's keywords: names a variable or an attribute written with a dot may not take.
const std::set<std::string>& keywords() {
  static const std::set<std::string> k = {
      "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
      "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
      "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
      "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
  return k;
}

// The top-level arguments of a call's argument text, split at commas outside brackets and
// strings.
std::vector<std::string> split_args(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    if (!(cur.empty() && c == ' ')) cur += c;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Where the parenthesis that closes the line opens, or npos.
size_t last_call_open(const std::string& line) {
  if (line.empty() || line.back() != ')') return std::string::npos;
  int depth = 0;
  char quote = 0;
  for (size_t i = line.size(); i-- > 0;) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ')' || c == ']' || c == '}') {
      ++depth;
    } else if (c == '(' || c == '[' || c == '{') {
      if (--depth == 0) return c == '(' ? i : std::string::npos;
    }
  }
  return std::string::npos;
}

}  // namespace

bool is_keyword(const std::string& word) {
  return keywords().count(word) > 0;
}

bool is_identifier(const std::string& word) {
  if (word.empty() || std::isdigit(static_cast<unsigned char>(word[0]))) return false;
  for (char c : word)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return !is_keyword(word);
}

std::string variable(const std::string& stem, std::set<std::string>& taken) {
  std::string base;
  for (char c : stem) base += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (base.empty() || std::isdigit(static_cast<unsigned char>(base[0]))) base = "x" + base;
  if (is_keyword(base)) base += "_";
  std::string name = base;
  for (int i = 2; taken.count(name); ++i) name = base + "_" + std::to_string(i);
  taken.insert(name);
  return name;
}

std::string wrap(const std::string& line, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (pad.size() + line.size() <= kMaxLine) return pad + line + "\n";
  const size_t open = last_call_open(line);
  if (open == std::string::npos) return pad + line + "\n";
  const std::string inner(pad.size() + 4, ' ');
  std::string out = pad + line.substr(0, open + 1) + "\n", cur;
  const std::vector<std::string> args = split_args(line.substr(open + 1, line.size() - open - 2));
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string piece = args[i] + (i + 1 < args.size() ? "," : ")");
    if (!cur.empty() && inner.size() + cur.size() + 1 + piece.size() > kMaxLine) {
      out += inner + cur + "\n";
      cur.clear();
    }
    cur += (cur.empty() ? "" : " ") + piece;
  }
  return out + inner + (args.empty() ? ")" : cur) + "\n";
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace nw::interop::python
