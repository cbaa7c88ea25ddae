// UniqueFd: exactly one owner closes a descriptor, on every path.
#include "sandbox/linux/unique_fd.h"

#include <fcntl.h>

#include <utility>

#include <gtest/gtest.h>

namespace proctor::sandbox::linux {
namespace {

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesWhatItOwnsWhenItGoes) {
  int fd = -1;
  {
    UniqueFd owner(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    fd = owner.get();
    ASSERT_TRUE(owner);
    EXPECT_TRUE(IsOpen(fd));
  }
  EXPECT_FALSE(IsOpen(fd));
}

TEST(UniqueFd, ReleasedDescriptorStaysOpenForTheCaller) {
  UniqueFd owner(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int fd = owner.release();
  EXPECT_FALSE(owner);
  owner.reset();
  EXPECT_TRUE(IsOpen(fd));
  ::close(fd);
}

TEST(UniqueFd, MoveHandsOwnershipOverAndClosesWhatTheTargetHeld) {
  UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  UniqueFd b(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int fa = a.get(), fb = b.get();
  b = std::move(a);
  EXPECT_FALSE(IsOpen(fb));
  EXPECT_EQ(b.get(), fa);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  UniqueFd c(std::move(b));
  EXPECT_EQ(c.get(), fa);
  EXPECT_TRUE(IsOpen(fa));
}

TEST(UniqueFd, ResetClosesTheOldDescriptor) {
  UniqueFd owner(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int old = owner.get();
  owner.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));  // opened while `old` is open
  ASSERT_NE(owner.get(), old);
  EXPECT_FALSE(IsOpen(old));
  EXPECT_TRUE(IsOpen(owner.get()));
}

TEST(UniqueFd, MakePipeGivesBothEndsOwned) {
  UniqueFd r, w;
  ASSERT_TRUE(MakePipe(O_CLOEXEC, &r, &w));
  ASSERT_EQ(::write(w.get(), "x", 1), 1);
  w.reset();
  char buf[2];
  EXPECT_EQ(::read(r.get(), buf, sizeof buf), 1);
  EXPECT_EQ(::read(r.get(), buf, sizeof buf), 0);  // the write end is closed: EOF
}

}  // namespace
}  // namespace proctor::sandbox::linux
