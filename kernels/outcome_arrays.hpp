// The per-network outcome fields (core/outcome.hpp's table) as a structure of arrays, network
// first + i at index i: OutcomeFields<Column> holds one column per field, and for_each_field visits
// them, so that sizing, allocating, copying and counting bytes are each written once for every field.
//   OutcomeArrays   plain pointers: the device buffers of the GPU trainers and the host arrays of an
//                   OutcomeBatch (host/backends/trainer.hpp) they are copied into
//   OutcomeColumns  the same, read-only: what the reductions read (kernels/outcome_stats.hpp)
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/outcome.hpp"
#include "kernels/hd.hpp"
#include "kernels/network_step.hpp"

namespace xorseed {

template <template <class> class Column>
struct OutcomeFields {
#define XORSEED_OUTCOME_COLUMN(name, column_type, member_type, width) Column<column_type> name;
  XORSEED_OUTCOME_FIELDS(XORSEED_OUTCOME_COLUMN)
#undef XORSEED_OUTCOME_COLUMN
};

// Calls f(width, views.name...) for every field in table order: the fields of several OutcomeFields
// (or of an Outcome: its members have the fields' names) side by side. Host code.
template <class F, class... Views>
void for_each_field(F&& f, Views&&... views) {
#define XORSEED_VISIT_FIELD(name, column_type, member_type, width) f(FieldWidth::width, views.name...);
  XORSEED_OUTCOME_FIELDS(XORSEED_VISIT_FIELD)
#undef XORSEED_VISIT_FIELD
}

template <class T>
using Pointer = T*;
template <class T>
using ConstPointer = const T*;
using OutcomeArrays = OutcomeFields<Pointer>;         // a field not held (params) is null
using OutcomeColumns = OutcomeFields<ConstPointer>;

inline OutcomeColumns columns_of(const OutcomeArrays& arrays) {
  OutcomeColumns c;
  for_each_field([](FieldWidth, const auto*& column, const auto* array) { column = array; }, c, arrays);
  return c;
}

// Bytes of the outcome columns per network of width `hidden` (2-2-1 without parameters: 71).
inline size_t outcome_bytes_per_network(int hidden, bool keep_params) {
  size_t bytes = 0;
  for_each_field(
      [&](FieldWidth w, const auto* column) {
        if (field_held(w, keep_params)) bytes += sizeof(*column) * values_per_network(w, hidden);
      },
      OutcomeColumns{});
  return bytes;
}

// Writes network i's outcome; cos_initial is written by whoever computed it (the init pass).
template <class T, int H>
XS_HDI void write_outcome(const OutcomeArrays& out, uint64_t i, const NetworkOutcome<T>& o, const Net<T, H>& p) {
  out.iterations[i] = o.iterations;
  out.final_loss[i] = o.final_loss;
  out.converged[i] = o.converged;
  out.diverged[i] = o.diverged;
  out.correct[i] = static_cast<uint8_t>(o.correct);
XS_UNROLL
  for (int k = 0; k < 4; ++k) out.predictions[4 * i + k] = o.predictions[k];
  out.rmse[i] = o.rmse;
  out.cos_final[i] = o.cos_final;
  if (out.params != nullptr) {
    const int count = ParamLayout{p.units}.count();  // of the network's width (p.units)
    T flat[4 * H + 1];
    store_params(p, flat);
XS_UNROLL
    for (int k = 0; k < 4 * H + 1; ++k) {
      if (k >= count) break;
      out.params[count * i + k] = flat[k];
    }
  }
}

}  // namespace xorseed
