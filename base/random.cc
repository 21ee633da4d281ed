#include "base/random.h"

namespace govd {

Random& SystemRandom() {
  static SeededRandom random{std::random_device{}()};
  return random;
}

}  // namespace govd
