// NumPy arrays over C++ vectors without a copy: owned_array takes the vector (moved to the heap, a
// capsule deletes it when the array, or the last view of it, goes); shared_view views a vector of a
// result that the capsule keeps alive.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

namespace xorseed::py {

namespace nb = nanobind;

template <class T>
nb::object owned_array(std::vector<T>&& values, std::initializer_list<size_t> shape) {
  auto* heap = new std::vector<T>(std::move(values));
  nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return nb::cast(nb::ndarray<nb::numpy, T>(heap->data(), shape, owner));
}

// A 1-D array of n values.
template <class T>
nb::object owned_array(std::vector<T>&& values) {
  const size_t n = values.size();
  return owned_array(std::move(values), {n});
}

// A read-only NumPy view of a vector inside an object that `keep` holds alive (the arrays of one
// result share it; the last one to go releases it).
template <class T>
nb::object shared_view(const std::vector<T>& values, std::initializer_list<size_t> shape, std::shared_ptr<const void> keep) {
  auto* holder = new std::shared_ptr<const void>(std::move(keep));
  nb::capsule owner(holder, [](void* p) noexcept { delete static_cast<std::shared_ptr<const void>*>(p); });
  return nb::cast(nb::ndarray<nb::numpy, const T>(values.data(), shape, owner));
}

}  // namespace xorseed::py
