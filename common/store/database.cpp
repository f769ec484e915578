#include "store/database.h"

#include <cstdlib>

namespace bgm {

std::string SqlRow::text(size_t column) const {
  return column < cells_.size() && cells_[column] ? *cells_[column] : std::string();
}

int64_t SqlRow::integer(size_t column) const {
  if (column >= cells_.size() || !cells_[column]) return 0;
  return std::strtoll(cells_[column]->c_str(), nullptr, 10);
}

double SqlRow::real(size_t column) const {
  if (column >= cells_.size() || !cells_[column]) return 0;
  return std::strtod(cells_[column]->c_str(), nullptr);
}

bool SqlRow::is_null(size_t column) const { return column >= cells_.size() || !cells_[column]; }

}  // namespace bgm
