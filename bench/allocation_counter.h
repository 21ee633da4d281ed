// bench/allocation_counter.h
// Counts the calls of the global operator new in a benchmark program, so that a benchmark can
// report allocations per iteration. Link allocation_counter.cc into the program (it replaces the
// global operator new/delete with malloc/free plus a relaxed atomic count). Thread safe. Never
// used outside bench/.
#pragma once

#include <cstdint>

namespace govd::bench {

// Calls of operator new (all forms but the aligned ones) since the program started.
std::uint64_t AllocationCount();

}  // namespace govd::bench
