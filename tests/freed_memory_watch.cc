#include "tests/freed_memory_watch.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

namespace govd::testing {
namespace {

// The record: for each freed block, its size (a std::size_t) and then its bytes. Taken with
// std::malloc, never with operator new, which would record itself.
struct Record {
  std::atomic<bool> on{false};
  std::atomic_flag busy = ATOMIC_FLAG_INIT;
  char* bytes = nullptr;
  std::size_t used = 0;
  std::size_t capacity = 0;
  std::size_t blocks = 0;
  bool overflowed = false;
};
Record record;

void Append(const void* block, std::size_t size) noexcept {
  while (record.busy.test_and_set(std::memory_order_acquire)) {
  }
  if (record.used + sizeof size + size > record.capacity) {
    record.overflowed = true;
  } else {
    std::memcpy(record.bytes + record.used, &size, sizeof size);
    std::memcpy(record.bytes + record.used + sizeof size, block, size);
    record.used += sizeof size + size;
    ++record.blocks;
  }
  record.busy.clear(std::memory_order_release);
}

void* Allocate(std::size_t size) noexcept { return std::malloc(size == 0 ? 1 : size); }

void Release(void* block) noexcept {
  if (block == nullptr) return;
  const std::size_t size = malloc_usable_size(block);
  if (record.on.load(std::memory_order_acquire)) Append(block, size);
  explicit_bzero(block, size);  // a memset right before free() may be left out by the compiler
  std::free(block);
}

}  // namespace

FreedMemoryWatch::FreedMemoryWatch(std::size_t capacity) {
  record.bytes = static_cast<char*>(std::malloc(capacity));
  record.capacity = record.bytes == nullptr ? 0 : capacity;
  record.used = 0;
  record.blocks = 0;
  record.overflowed = record.bytes == nullptr;
  record.on.store(true, std::memory_order_release);
}

FreedMemoryWatch::~FreedMemoryWatch() {
  Stop();
  explicit_bzero(record.bytes, record.used);
  std::free(record.bytes);
  record.bytes = nullptr;
}

void FreedMemoryWatch::Stop() {
  record.on.store(false, std::memory_order_release);
  while (record.busy.test_and_set(std::memory_order_acquire)) {
  }
  record.busy.clear(std::memory_order_release);
}

int FreedMemoryWatch::BlocksHolding(std::string_view secret) const {
  int holding = 0;
  for (std::size_t at = 0; at < record.used;) {
    std::size_t size = 0;
    std::memcpy(&size, record.bytes + at, sizeof size);
    const char* block = record.bytes + at + sizeof size;
    if (memmem(block, size, secret.data(), secret.size()) != nullptr) ++holding;
    at += sizeof size + size;
  }
  return holding;
}

std::size_t FreedMemoryWatch::blocks() const { return record.blocks; }

bool FreedMemoryWatch::Overflowed() const { return record.overflowed; }

}  // namespace govd::testing

// Every non-aligned form, so that the sanitizers' own forms never see a block from std::malloc.
void* operator new(std::size_t size) {
  void* block = govd::testing::Allocate(size);
  if (block == nullptr) throw std::bad_alloc();
  return block;
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept { return govd::testing::Allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
  return govd::testing::Allocate(size);
}
void operator delete(void* block) noexcept { govd::testing::Release(block); }
void operator delete[](void* block) noexcept { govd::testing::Release(block); }
void operator delete(void* block, std::size_t /*size*/) noexcept { govd::testing::Release(block); }
void operator delete[](void* block, std::size_t /*size*/) noexcept { govd::testing::Release(block); }
void operator delete(void* block, const std::nothrow_t& /*tag*/) noexcept { govd::testing::Release(block); }
void operator delete[](void* block, const std::nothrow_t& /*tag*/) noexcept { govd::testing::Release(block); }
