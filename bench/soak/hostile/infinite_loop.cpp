// Infinite loop in C++ (volatile, so the compiler keeps it).
int main() {
    volatile unsigned long long n = 0;
    for (;;) n = n + 1;
}
