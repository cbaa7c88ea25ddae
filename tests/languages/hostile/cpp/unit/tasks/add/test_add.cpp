#include <cassert>
long long add(long long a, long long b);
int main() {
  assert(add(2, 3) == 5);
  assert(add(-1, 1) == 0);
}
