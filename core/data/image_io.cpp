#include "data/image_io.h"

#include <stb/stb_image.h>

#include <algorithm>
#include <memory>

#include "data/data_error.h"
#include "data/file_bytes.h"
#include "tensor/creation.h"

namespace nw::data {

namespace {

// Where output position `dst` samples the input: half-pixel centres, clamped at the low edge.
struct Tap {
  int64_t lo, hi;
  float frac;
};

std::vector<Tap> taps(int64_t in, int64_t out) {
  std::vector<Tap> t(static_cast<size_t>(out));
  const double scale = double(in) / double(out);
  for (int64_t i = 0; i < out; ++i) {
    double src = std::max(0.0, (double(i) + 0.5) * scale - 0.5);
    int64_t lo = std::min(int64_t(src), in - 1);
    t[size_t(i)] = {lo, std::min(lo + 1, in - 1), float(src - double(lo))};
  }
  return t;
}

}  // namespace

Tensor resize_bilinear(const Tensor& image, int64_t height, int64_t width) {
  if (!image.defined() || image.dim() != 3 || image.dtype() != kFloat32)
    throw DataError("resize_bilinear: expects a float32 (C, H, W) image, got " +
                    (image.defined()
                         ? std::string(dtype_name(image.dtype())) + " " + shape_str(image.sizes())
                         : std::string("an undefined tensor")));
  if (height < 1 || width < 1)
    throw DataError("resize_bilinear: the target size " + std::to_string(height) + "x" +
                    std::to_string(width) + " must be at least 1x1");
  const int64_t C = image.size(0), H = image.size(1), W = image.size(2);
  if (H == height && W == width) return image.contiguous();
  Tensor src = image.contiguous();
  Tensor out = empty({C, height, width}, kFloat32);
  const std::vector<Tap> ty = taps(H, height), tx = taps(W, width);
  const float* s = src.data_ptr<float>();
  float* d = out.data_ptr<float>();
  for (int64_t c = 0; c < C; ++c) {
    const float* plane = s + c * H * W;
    for (int64_t y = 0; y < height; ++y) {
      const Tap& v = ty[size_t(y)];
      const float* r0 = plane + v.lo * W;
      const float* r1 = plane + v.hi * W;
      for (int64_t x = 0; x < width; ++x) {
        const Tap& h = tx[size_t(x)];
        const float top = r0[h.lo] + (r0[h.hi] - r0[h.lo]) * h.frac;
        const float bottom = r1[h.lo] + (r1[h.hi] - r1[h.lo]) * h.frac;
        *d++ = top + (bottom - top) * v.frac;
      }
    }
  }
  return out;
}

Tensor read_image(const std::string& path, int channels, int64_t height, int64_t width) {
  if (channels != 1 && channels != 3 && channels != 4)
    throw DataError("read_image: channels must be 1 (grey), 3 (RGB) or 4 (RGBA), got " +
                    std::to_string(channels));
  FileBytes file = read_file_bytes(path, "read_image");
  if (file.bytes.empty()) throw DataError("read_image: '" + path + "' is empty (0 bytes)");
  int w = 0, h = 0, file_channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(file.bytes.data(), int(file.bytes.size()), &w, &h, &file_channels,
                            channels),
      &stbi_image_free);
  if (!pixels)
    throw DataError("read_image: '" + path + "' cannot be decoded (" +
                    (stbi_failure_reason() ? stbi_failure_reason() : "unknown reason") +
                    "); the image is damaged, truncated or not a PNG/JPEG/BMP/PGM/PPM file");
  // Interleaved bytes (H, W, C) -> planar floats (C, H, W) in [0, 1].
  Tensor img = empty({channels, h, w}, kFloat32);
  float* d = img.data_ptr<float>();
  const stbi_uc* p = pixels.get();
  const int64_t plane = int64_t(h) * w;
  for (int64_t i = 0; i < plane; ++i)
    for (int c = 0; c < channels; ++c) d[c * plane + i] = float(p[i * channels + c]) / 255.0f;
  if (height > 0 && width > 0) return resize_bilinear(img, height, width);
  return img;
}

}  // namespace nw::data
