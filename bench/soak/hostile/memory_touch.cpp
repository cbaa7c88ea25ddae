// Memory bomb in C++: allocates and writes every page of 16 MiB blocks, forever.
#include <cstdlib>
#include <cstring>

int main() {
    for (;;) {
        char* p = static_cast<char*>(std::malloc(16 << 20));
        if (p != nullptr) std::memset(p, 1, 16 << 20);
    }
}
