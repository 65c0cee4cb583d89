// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), a
// counter-based generator: block = philox(counter, key). The rounds are Random123's own
// (r123::Philox4x32_R<10>, Debian librandom123-dev, header-only, host and device); this header only
// gives it the plain-array shape network_init.hpp uses. Checked against the published known-answer
// vectors in tests/test_philox.cpp.
//
// Why Random123 rather than the hand-written rounds this header held before: it is the authors'
// reference implementation, kept by them and packaged by Debian; it compiles without a warning under
// g++ 12 (-Wall -Wextra -Wpedantic) and nvcc 13 for sm_90 (-Xcompiler=-Wall,-Wextra); and it gives
// the same words as those rounds (the known-answer vectors, and 10^6 (counter, key) pairs compared on
// the host when it was adopted), so no network's initial weights moved. Its device path is checked
// where a GPU is: tests/test_cuda_agreement.cpp holds the device's networks (drawn there) to the
// reference's (drawn on the host). It costs one header-only package, which tools/setup.sh installs and
// the configure step names when it is missing.
#pragma once
#include <cstdint>

#include <Random123/philox.h>

#include "kernels/hd.hpp"

namespace xorseed {

struct Philox4x32 {
  uint32_t v[4];
};

// One Philox4x32-10 block of counter `ctr` under key (k0, k1).
XS_HD Philox4x32 philox4x32_10(Philox4x32 ctr, uint32_t k0, uint32_t k1) {
  const r123::Philox4x32_R<10>::ctr_type c = {{ctr.v[0], ctr.v[1], ctr.v[2], ctr.v[3]}};
  const r123::Philox4x32_R<10>::key_type k = {{k0, k1}};
  const r123::Philox4x32_R<10>::ctr_type r = r123::Philox4x32_R<10>()(c, k);
  return Philox4x32{{r.v[0], r.v[1], r.v[2], r.v[3]}};
}

}  // namespace xorseed
