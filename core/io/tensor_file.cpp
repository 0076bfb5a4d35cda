#include "io/tensor_file.h"

#include <hdf5.h>

#include <vector>

#include "io/atomic_file.h"
#include "tensor/dtype.h"

namespace nw::io {

void write_hdf5_tensor(const std::filesystem::path& path, const std::string& name, const Tensor& t) {
  const bool ints = t.dtype() == DType::Int64;
  const Tensor c = t.to(Device()).to(ints ? DType::Int64 : DType::Float32).contiguous();
  write_atomic_with(path, [&](const std::filesystem::path& tmp) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t file = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) throw Error(path.string() + ": cannot create the file; check the folder exists and is writable");
    std::vector<hsize_t> dims(c.sizes().begin(), c.sizes().end());
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t type = ints ? H5T_STD_I64LE : H5T_IEEE_F32LE;
    const hid_t set = H5Dcreate2(file, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t status = -1;
    if (set >= 0)
      status = ints ? H5Dwrite(set, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data_ptr<int64_t>())
                    : H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data_ptr<float>());
    if (set >= 0) H5Dclose(set);
    H5Sclose(space);
    const herr_t closed = H5Fclose(file);
    if (status < 0 || closed < 0)
      throw Error(path.string() + ": writing dataset '" + name + "' failed (disk full?)");
  });
}

}  // namespace nw::io
