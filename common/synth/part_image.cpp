#include "synth/part_image.h"

namespace bgm {

StereoImage part_image(const Part& part) { return {part.width, part.pan / 128.0, 0.0}; }

}  // namespace bgm
