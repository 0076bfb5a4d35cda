#pragma once
// CSV files of numeric features and one label column, e.g. a table exported from pandas:
//
//   sepal_length,sepal_width,petal_length,petal_width,species
//   5.1,3.5,1.4,0.2,setosa
//
// Fields may be quoted ("..."; "" inside quotes is a quote); blank lines are skipped; a UTF-8
// byte-order mark and CRLF line ends are accepted; gzipped files are unpacked.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "data/tensor_dataset.h"

namespace nw::data {

// Set with chained calls: CsvOptions().label_column("species").delimiter(';')
struct CsvOptions {
  CsvOptions delimiter(char c) const {
    CsvOptions o = *this;
    o.delimiter_ = c;
    return o;
  }
  // Whether the first row names the columns. Unset: it does when one of its feature fields is
  // not a number.
  CsvOptions header(bool on) const {
    CsvOptions o = *this;
    o.header_ = on;
    return o;
  }
  // The label column by its name in the header.
  CsvOptions label_column(std::string name) const {
    CsvOptions o = *this;
    o.label_ = std::move(name);
    o.has_label_ = true;
    return o;
  }
  // The label column by 0-based index; negative counts from the end (the default is -1).
  CsvOptions label_column(int64_t index) const {
    CsvOptions o = *this;
    o.label_ = index;
    o.has_label_ = true;
    return o;
  }
  // Every column is a feature and there are no targets.
  CsvOptions no_labels() const {
    CsvOptions o = *this;
    o.has_label_ = false;
    return o;
  }

  char delimiter_ = ',';
  std::optional<bool> header_;
  std::variant<int64_t, std::string> label_ = int64_t(-1);
  bool has_label_ = true;
};

struct CsvData {
  Tensor features;                         // (rows, feature columns) float32
  Tensor labels;                           // (rows,); undefined without a label column
  std::vector<std::string> feature_names;  // from the header, or "column <index>"
  std::string label_name;
  // Labels that are whole numbers become int64 class indices, other numbers float32 (for
  // regression). Text labels become int64 indices into class_names, which is sorted.
  std::vector<std::string> class_names;

  TensorDataset dataset() const { return TensorDataset(features, labels); }
};

// Throws DataError naming the file, the line and the column of a bad or missing value, a row
// with the wrong number of fields, or a label column that does not exist.
CsvData read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace nw::data
