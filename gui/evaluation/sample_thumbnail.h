#pragma once
// A picture of one sample for the evaluation views, when the sample is an image.
#include <QImage>

#include "tensor/tensor.h"

namespace nw::gui {

// data: (1, H, W) or (3, H, W), any floating or integer dtype. Values are stretched from their
// own min..max to 0..255 (normalized inputs have no fixed range). Scaled to fit `size` pixels.
// A null QImage for any other shape.
QImage sample_thumbnail(const Tensor& data, int size = 48);
bool is_image_sample(const Tensor& data);

}  // namespace nw::gui
