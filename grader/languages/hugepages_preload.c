// libproctor-hugepages.so: LD_PRELOADed into Proctor's compiles (g++, cc1plus, as, ld) and
// into nothing else. Where a page fault is expensive (on a virtual machine each one may be a
// trip to the hypervisor: ~12 us here, against ~1 us per page when faulted in bulk), a compile
// spends much of its time faulting in its own memory: cc1plus maps the 120 MB precompiled
// <bits/stdc++.h> and touches it 4 KiB at a time. So:
//   - a large private writable anonymous mapping is advised to use transparent huge pages
//     (one fault per 2 MiB where THP is enabled; a no-op where it is not);
//   - a large private writable mapping of a regular file (the PCH) becomes such an anonymous
//     mapping filled with pread(): the same private contents, huge-page backed.
// Nothing else changes, and any failure falls back to the plain mmap. The compiler's output is
// byte-for-byte the same (tests/grading/pch_test.cc).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROCTOR_HUGE_MIN (2ul << 20)

typedef void* (*mmap_fn)(void*, size_t, int, int, int, off_t);

static mmap_fn real_mmap(void) {
  static mmap_fn fn;
  if (fn == NULL) fn = (mmap_fn)dlsym(RTLD_NEXT, "mmap");
  return fn;
}

static int wants_huge(size_t len, int prot, int flags) {
  return len >= PROCTOR_HUGE_MIN && (prot & PROT_WRITE) && (flags & MAP_TYPE) == MAP_PRIVATE &&
         !(flags & (MAP_FIXED | MAP_HUGETLB | MAP_STACK | MAP_GROWSDOWN));
}

// The file's bytes [off, off + len) in a fresh anonymous mapping, or MAP_FAILED.
static void* anonymous_copy(void* addr, size_t len, int prot, int flags, int fd, off_t off) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || off < 0 || off >= st.st_size)
    return MAP_FAILED;
  void* p = real_mmap()(addr, len, prot, flags | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return MAP_FAILED;
  madvise(p, len, MADV_HUGEPAGE);
  size_t want = (size_t)(st.st_size - off) < len ? (size_t)(st.st_size - off) : len;
  size_t done = 0;
  while (done < want) {
    ssize_t n = pread(fd, (char*)p + done, want - done, off + (off_t)done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      munmap(p, len);
      return MAP_FAILED;
    }
    done += (size_t)n;
  }
  return p;
}

void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off) {
  if (real_mmap() == NULL) {
    errno = ENOSYS;
    return MAP_FAILED;
  }
  if (!wants_huge(len, prot, flags)) return real_mmap()(addr, len, prot, flags, fd, off);
  if (!(flags & MAP_ANONYMOUS) && fd >= 0) {
    const int saved = errno;
    void* p = anonymous_copy(addr, len, prot, flags, fd, off);
    errno = saved;
    if (p != MAP_FAILED) return p;
    return real_mmap()(addr, len, prot, flags, fd, off);
  }
  void* p = real_mmap()(addr, len, prot, flags, fd, off);
  if (p != MAP_FAILED) {
    const int saved = errno;
    madvise(p, len, MADV_HUGEPAGE);
    errno = saved;
  }
  return p;
}

void* mmap64(void* addr, size_t len, int prot, int flags, int fd, off_t off)
    __attribute__((alias("mmap")));
