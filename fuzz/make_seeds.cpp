// Writes the fuzzers' starting inputs: make_seeds <source dir> <out dir> fills
//   <out>/project     every .nwproj of the malformed corpus (tests/corpus/projects), the bundled
//                     projects and the CLI test projects
//   <out>/checkpoint  a good checkpoint with an Adam state, and the malformed ones that
//                     tests/support/bad_checkpoints writes from it; the PyTorch .pt fixtures
//                     and the malformed .pt corpus (tests/corpus/pt)
//   <out>/data        small IDX (plain and gzipped), CSV and HDF5 files, each behind the byte that
//                     makes fuzz_data pick its reader
#include <hdf5.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "io/checkpoint.h"
#include "nn/functional/loss.h"
#include "nn/layers/linear.h"
#include "optim/adam.h"
#include "support/bad_checkpoints.h"
#include "tensor/creation.h"

namespace fs = std::filesystem;
using namespace nw;

namespace {

std::string read_bytes(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), std::streamsize(bytes.size()));
}

void copy_projects(const fs::path& from, const fs::path& to) {
  for (const auto& e : fs::recursive_directory_iterator(from))
    if (e.path().extension() == ".nwproj")
      fs::copy_file(
          e.path(),
          to / (e.path().parent_path().filename().string() + "-" + e.path().filename().string()),
          fs::copy_options::overwrite_existing);
}

void write_checkpoints(const fs::path& dir) {
  const fs::path work = dir / "work";
  auto net = std::make_shared<nn::Linear>(3, 2);
  optim::Adam opt(net->parameters());
  opt.zero_grad();
  nn::functional::cross_entropy(net->forward(randn({4, 3})), tensor({0, 1, 1, 0})).backward();
  opt.step();
  io::Checkpoint good;
  for (const auto& [k, t] : net->state_dict()) good.model.emplace_back(k, t.clone());
  good.optimizer = opt.state_dict();
  good.optimizer_type = opt.name();
  good.history["train_loss"] = {1.5, 0.5};
  good.project = "{\"netwright\": 1}";
  for (const auto& bad : test::write_bad_checkpoints(work, good))
    fs::copy_file(work / bad.file, dir / bad.file, fs::copy_options::overwrite_existing);
  fs::copy_file(work / "good.h5", dir / "good.h5", fs::copy_options::overwrite_existing);
  fs::remove_all(work);
}

std::string idx_bytes() {
  // unsigned bytes, 3 dimensions (2, 3, 3), then 18 values
  std::string s = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3};
  for (int i = 0; i < 18; ++i) s += char(i * 13);
  return s;
}

std::string gzipped(const std::string& bytes, const fs::path& scratch) {
  gzFile f = gzopen(scratch.c_str(), "wb");
  gzwrite(f, bytes.data(), unsigned(bytes.size()));
  gzclose(f);
  std::string out = read_bytes(scratch);
  fs::remove(scratch);
  return out;
}

std::string hdf5_bytes(const fs::path& scratch) {
  const hid_t f = H5Fcreate(scratch.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const float x[6] = {0, 1, 2, 3, 4, 5};
  const int64_t y[3] = {0, 1, 0};
  const hsize_t xd[2] = {3, 2}, yd[1] = {3};
  const hid_t xs = H5Screate_simple(2, xd, nullptr), ys = H5Screate_simple(1, yd, nullptr);
  const hid_t xset =
      H5Dcreate2(f, "features", H5T_IEEE_F32LE, xs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t yset =
      H5Dcreate2(f, "labels", H5T_STD_I64LE, ys, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(xset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x);
  H5Dwrite(yset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, y);
  H5Dclose(xset), H5Dclose(yset), H5Sclose(xs), H5Sclose(ys), H5Fclose(f);
  std::string out = read_bytes(scratch);
  fs::remove(scratch);
  return out;
}

void write_data(const fs::path& dir) {
  write_bytes(dir / "idx", "I" + idx_bytes());
  write_bytes(dir / "idx-labels", std::string("I") + std::string{0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3});
  write_bytes(dir / "idx-gz", "Z" + gzipped(idx_bytes(), dir / "scratch.gz"));
  write_bytes(dir / "csv-header", "Cx1,x2,label\n0.5,1,cat\n2,-3e2,dog\n");
  write_bytes(dir / "csv-plain", "C1,2,0\n3,4,1\n");
  write_bytes(dir / "hdf5", "H" + hdf5_bytes(dir / "scratch.h5"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_seeds <source dir> <out dir>\n";
    return 2;
  }
  const fs::path src = argv[1], out = argv[2];
  for (const char* d : {"project", "checkpoint", "data"}) fs::create_directories(out / d);
  copy_projects(src / "tests/corpus/projects", out / "project");
  copy_projects(src / "projects", out / "project");
  copy_projects(src / "tests/cli/projects", out / "project");
  write_checkpoints(out / "checkpoint");
  // PyTorch weight files: the 2.x fixtures and the malformed corpus of tests/corpus/pt.
  for (const char* d : {"tests/interop/torch_weights/fixtures", "tests/corpus/pt"})
    for (const auto& e : fs::directory_iterator(src / d))
      if (e.path().extension() == ".pt")
        fs::copy_file(e.path(), out / "checkpoint" / e.path().filename(),
                      fs::copy_options::overwrite_existing);
  write_data(out / "data");
  std::cout << "seeds in " << out.string() << "\n";
  return 0;
}
