// tests/freed_memory_watch.h
// Whether a secret outlives its use in freed heap memory. A test program that links
// freed_memory_watch.cc gets a replaced global operator new and delete: while a FreedMemoryWatch
// is alive, the content of every block given back is recorded before the block is freed, so that
// afterwards the test can count the freed blocks that still held a secret, also one it learns only
// later (e.g. the session token an STS call returned). Every block is zeroed when freed, watched or
// not, so that an old block reused by the code under test cannot bring back a copy the test itself
// made earlier. Memory that C libraries take with malloc, and the stack, are not watched.
// One watch at a time.
#pragma once

#include <cstddef>
#include <string_view>

namespace govd::testing {

class FreedMemoryWatch {
 public:
  // Records up to `capacity` bytes of freed blocks; past that, Overflowed() is true.
  explicit FreedMemoryWatch(std::size_t capacity = std::size_t{256} << 20);
  FreedMemoryWatch(const FreedMemoryWatch&) = delete;
  FreedMemoryWatch& operator=(const FreedMemoryWatch&) = delete;
  ~FreedMemoryWatch();

  // Stops recording (the counts below then stay as they are).
  void Stop();
  // How many recorded blocks hold `secret`.
  int BlocksHolding(std::string_view secret) const;
  std::size_t blocks() const;
  bool Overflowed() const;
};

}  // namespace govd::testing
