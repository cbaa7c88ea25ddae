// libproctor-hugepages.so's mmap (loaded with dlopen, called directly): a large private
// writable file mapping becomes an anonymous copy with the file's exact bytes, private to the
// caller, and everything it does not handle behaves as the plain mmap.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using MmapFn = void* (*)(void*, size_t, int, int, int, off_t);

class HugepagesPreloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = ::dlopen(PROCTOR_HUGEPAGES_LIB, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << ::dlerror();
    shim_mmap_ = reinterpret_cast<MmapFn>(::dlsym(handle_, "mmap"));
    ASSERT_NE(shim_mmap_, nullptr);
    ASSERT_NE(reinterpret_cast<void*>(shim_mmap_), reinterpret_cast<void*>(&::mmap));
    char path[] = "/tmp/proctor-hugepages-test-XXXXXX";
    fd_ = ::mkstemp(path);
    ASSERT_GE(fd_, 0);
    path_ = path;
    contents_.resize(3 * 1024 * 1024 + 123);  // not a multiple of a page
    for (size_t i = 0; i < contents_.size(); ++i) contents_[i] = static_cast<char>(i * 7 + i / 4096);
    ASSERT_EQ(::write(fd_, contents_.data(), contents_.size()),
              static_cast<ssize_t>(contents_.size()));
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
    if (handle_ != nullptr) ::dlclose(handle_);
  }

  void* handle_ = nullptr;
  MmapFn shim_mmap_ = nullptr;
  int fd_ = -1;
  std::string path_;
  std::string contents_;
};

TEST_F(HugepagesPreloadTest, APrivateWritableFileMappingHoldsTheFileAndStaysPrivate) {
  const size_t offset = 4096;
  const size_t len = contents_.size() - offset;
  char* p = static_cast<char*>(
      shim_mmap_(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd_, offset));
  ASSERT_NE(p, MAP_FAILED);
  EXPECT_EQ(std::memcmp(p, contents_.data() + offset, len), 0);
  p[0] = static_cast<char>(~p[0]);  // private: the file keeps its byte
  char first = 0;
  ASSERT_EQ(::pread(fd_, &first, 1, offset), 1);
  EXPECT_EQ(first, contents_[offset]);
  ::munmap(p, len);
}

TEST_F(HugepagesPreloadTest, BytesPastTheEndOfTheFileReadAsZero) {
  const size_t len = 4u << 20;  // longer than the file
  char* p = static_cast<char*>(shim_mmap_(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd_, 0));
  ASSERT_NE(p, MAP_FAILED);
  EXPECT_EQ(std::memcmp(p, contents_.data(), contents_.size()), 0);
  EXPECT_EQ(p[contents_.size()], 0);
  EXPECT_EQ(p[len - 1], 0);
  ::munmap(p, len);
}

TEST_F(HugepagesPreloadTest, WhatItDoesNotHandleBehavesAsThePlainMmap) {
  // Shared, read-only, small: the kernel's own file mapping (a shared one sees writes).
  char* shared = static_cast<char*>(
      shim_mmap_(nullptr, contents_.size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0));
  ASSERT_NE(shared, MAP_FAILED);
  shared[5] = 'S';
  char byte = 0;
  ASSERT_EQ(::pread(fd_, &byte, 1, 5), 1);
  EXPECT_EQ(byte, 'S');
  ::munmap(shared, contents_.size());
  // A descriptor that cannot be mapped fails as it would without the library.
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  errno = 0;
  EXPECT_EQ(shim_mmap_(nullptr, 4u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE, pipe_fds[0], 0),
            MAP_FAILED);
  EXPECT_EQ(errno, ENODEV);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  // A large anonymous mapping is an ordinary zeroed mapping.
  char* anon = static_cast<char*>(shim_mmap_(nullptr, 8u << 20, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(anon, MAP_FAILED);
  EXPECT_EQ(anon[0], 0);
  EXPECT_EQ(anon[(8u << 20) - 1], 0);
  ::munmap(anon, 8u << 20);
}

}  // namespace
