#pragma once
// The one exception type of core/data: a dataset, reader or loader could not do what was asked.
// Messages name the file (with row, column or byte offset where there is one) and the fix.
#include "tensor/errors.h"

namespace nw::data {

struct DataError : Error {
  using Error::Error;
};

}  // namespace nw::data
