#pragma once
// Decoding and resizing single images for the image-folder reader.
#include <cstdint>
#include <string>

#include "tensor/tensor.h"

namespace nw::data {

// Decodes a PNG, JPEG, BMP, PGM or PPM file (via stb_image) to float32 (channels, H, W) in
// [0, 1]. `channels` is 1 (grey), 3 (RGB) or 4 (RGBA); images with other channel counts are
// converted. With height and width > 0 the image is resized to them (bilinear). Throws
// DataError naming the file when it cannot be read or decoded.
Tensor read_image(const std::string& path, int channels = 3, int64_t height = 0, int64_t width = 0);

// image: float32 (C, H, W) -> (C, height, width), bilinear with half-pixel centres and no
// antialiasing, as torch.nn.functional.interpolate(mode="bilinear", align_corners=False).
Tensor resize_bilinear(const Tensor& image, int64_t height, int64_t width);

}  // namespace nw::data
