// The replacement operator new/delete of bench/allocation_counter.h.
#include "bench/allocation_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace govd::bench {
namespace {

std::atomic<std::uint64_t> allocations{0};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void* Allocate(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

}  // namespace

std::uint64_t AllocationCount() { return allocations.load(std::memory_order_relaxed); }

}  // namespace govd::bench

void* operator new(std::size_t size) { return govd::bench::Allocate(size); }
void* operator new[](std::size_t size) { return govd::bench::Allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t /*size*/) noexcept { std::free(p); }
