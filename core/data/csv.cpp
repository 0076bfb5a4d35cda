#include "data/csv.h"

#include <charconv>
#include <cmath>
#include <map>
#include <string_view>

#include "data/data_error.h"
#include "data/file_bytes.h"
#include "tensor/creation.h"

namespace nw::data {

namespace {

// Splits the file into rows of fields, keeping the line number each row starts on.
class CsvScanner {
 public:
  CsvScanner(const std::vector<uint8_t>& bytes, char delimiter)
      : p_(reinterpret_cast<const char*>(bytes.data())),
        end_(p_ + bytes.size()),
        delim_(delimiter) {
    if (end_ - p_ >= 3 && std::string_view(p_, 3) == "\xEF\xBB\xBF") p_ += 3;  // UTF-8 BOM
  }

  // The next row that is not blank; false at the end of the file.
  bool next(std::vector<std::string>& fields, int64_t& line) {
    for (;;) {
      if (p_ >= end_) return false;
      line = line_;
      fields.clear();
      bool blank = true;
      std::string field;
      bool quoted = false;
      while (p_ < end_) {
        const char c = *p_++;
        if (quoted) {
          if (c == '"' && p_ < end_ && *p_ == '"') {
            field += '"';
            ++p_;
          } else if (c == '"') {
            quoted = false;
          } else {
            if (c == '\n') ++line_;
            field += c;
          }
        } else if (c == '"') {
          quoted = true;
          blank = false;
        } else if (c == delim_) {
          fields.push_back(std::move(field));
          field.clear();
          blank = false;
        } else if (c == '\n') {
          ++line_;
          break;
        } else if (c != '\r') {
          field += c;
          if (c != ' ' && c != '\t') blank = false;
        }
      }
      if (blank) continue;
      fields.push_back(std::move(field));
      return true;
    }
  }

 private:
  const char* p_;
  const char* end_;
  char delim_;
  int64_t line_ = 1;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_number(std::string_view s, double& out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Text labels become indices into their sorted distinct values; numbers stay numbers.
void convert_labels(const std::vector<std::string>& text, CsvData& out) {
  std::vector<double> values(text.size());
  bool numeric = true, whole = true;
  for (size_t i = 0; i < text.size() && numeric; ++i) {
    numeric = parse_number(text[i], values[i]);
    whole = whole && numeric && values[i] == std::floor(values[i]) && std::abs(values[i]) < 9e15;
  }
  const int64_t n = int64_t(text.size());
  if (numeric && !whole) {
    std::vector<float> f(values.begin(), values.end());
    out.labels = from_vector(f, {n});
    return;
  }
  std::vector<int64_t> idx(text.size());
  if (numeric) {
    for (size_t i = 0; i < text.size(); ++i) idx[i] = int64_t(values[i]);
  } else {
    std::map<std::string, int64_t> classes;
    for (const std::string& t : text) classes.emplace(std::string(trim(t)), 0);
    for (auto& [name, index] : classes) {
      index = int64_t(out.class_names.size());
      out.class_names.push_back(name);
    }
    for (size_t i = 0; i < text.size(); ++i) idx[i] = classes[std::string(trim(text[i]))];
  }
  out.labels = from_vector(idx, {n});
}

// Where the labels are (-1: none) and whether the first row is a header.
struct Layout {
  int64_t label_col;
  bool header;
};

Layout layout_of(const std::vector<std::string>& first, int64_t line, const CsvOptions& options,
                 const std::string& where) {
  const int64_t ncols = int64_t(first.size());
  int64_t label_col = -1;
  bool header = options.header_.value_or(false);
  if (options.has_label_) {
    if (const auto* name = std::get_if<std::string>(&options.label_)) {
      if (options.header_ == false)
        throw DataError(where +
                        "has no header (CsvOptions header(false)), so the label column "
                        "cannot be found by the name '" +
                        *name + "'; give its index instead");
      std::string names;
      for (int64_t c = 0; c < ncols; ++c) {
        if (trim(first[size_t(c)]) == *name) label_col = c;
        names += (c ? ", '" : "'") + std::string(trim(first[size_t(c)])) + "'";
      }
      if (label_col < 0)
        throw DataError(where + "has no column named '" + *name + "' in its header (line " +
                        std::to_string(line) + "); its columns are " + names);
      header = true;
    } else {
      const int64_t i = std::get<int64_t>(options.label_);
      label_col = i < 0 ? i + ncols : i;
      if (label_col < 0 || label_col >= ncols)
        throw DataError(where + "has " + std::to_string(ncols) + " columns (line " +
                        std::to_string(line) + "), so label column index " + std::to_string(i) +
                        " does not exist; use an index in [" + std::to_string(-ncols) + ", " +
                        std::to_string(ncols - 1) + "]");
    }
  }
  // Detection: a header has a feature field that is not a number (the label may be text).
  if (!options.header_.has_value() && !header) {
    double v;
    for (int64_t c = 0; c < ncols && !header; ++c)
      if (c != label_col && !parse_number(first[size_t(c)], v)) header = true;
  }
  return {label_col, header};
}

}  // namespace

CsvData read_csv(const std::string& path, const CsvOptions& options) {
  FileBytes file = read_file_bytes(path, "read_csv");
  const std::string where = "read_csv: '" + path + "' ";
  CsvScanner scan(file.bytes, options.delimiter_);
  std::vector<std::string> row;
  int64_t line = 0;
  if (!scan.next(row, line))
    throw DataError(where + "is empty; expected an optional header row and rows of numbers");
  const int64_t ncols = int64_t(row.size());

  // Plain variables, not a structured binding: clang 14 (the fuzz build) cannot capture one.
  const Layout layout = layout_of(row, line, options, where);
  const int64_t label_col = layout.label_col;
  const bool header = layout.header;
  if (ncols - (label_col >= 0 ? 1 : 0) < 1)
    throw DataError(where + "has only the label column; it needs at least one feature column");

  std::vector<std::string> names;
  for (int64_t c = 0; c < ncols; ++c)
    names.push_back(header ? std::string(trim(row[size_t(c)])) : "column " + std::to_string(c));
  CsvData out;
  for (int64_t c = 0; c < ncols; ++c)
    (c == label_col ? out.label_name : out.feature_names.emplace_back()) = names[size_t(c)];
  auto column = [&](int64_t c) {
    return header ? "column '" + names[size_t(c)] + "' (index " + std::to_string(c) + ")"
                  : "column index " + std::to_string(c);
  };

  std::vector<float> features;
  std::vector<std::string> labels;
  int64_t rows = 0;
  for (bool have = !header || scan.next(row, line); have; have = scan.next(row, line)) {
    ++rows;
    const std::string at =
        "line " + std::to_string(line) + " (data row " + std::to_string(rows) + ")";
    if (int64_t(row.size()) != ncols)
      throw DataError(where + at + " has " + std::to_string(row.size()) + " fields but " +
                      (header ? "the header has " : "the first row has ") + std::to_string(ncols) +
                      "; every row needs one value per column (check "
                      "for a stray or missing '" +
                      std::string(1, options.delimiter_) + "')");
    for (int64_t c = 0; c < ncols; ++c) {
      const std::string& field = row[size_t(c)];
      if (c == label_col) {
        if (trim(field).empty())
          throw DataError(where + at + ", label " + column(c) +
                          ": the label is missing; fill it in or drop the row");
        labels.push_back(field);
        continue;
      }
      double v;
      if (!parse_number(field, v)) {
        throw DataError(where + at + ", " + column(c) + ": " +
                        (trim(field).empty() ? std::string("the value is missing")
                                             : "'" + field + "' is not a number") +
                        "; fix the value, or make this column the label column "
                        "(CsvOptions label_column) if it holds the labels");
      }
      features.push_back(float(v));
    }
  }
  if (rows == 0)
    throw DataError(where + "has a header but no data rows; add rows below line " +
                    std::to_string(line));
  const int64_t nfeat = int64_t(out.feature_names.size());
  out.features = from_vector(features, {rows, nfeat});
  if (label_col >= 0) convert_labels(labels, out);
  return out;
}

}  // namespace nw::data
