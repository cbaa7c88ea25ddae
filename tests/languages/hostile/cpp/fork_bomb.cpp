#include <sys/prctl.h>
#include <unistd.h>
int main() {
  prctl(PR_SET_NAME, "ADVM-fork-cpp");
  for (;;) fork();
}
