// stdin: a host file's path. Try to change it and to leave a marker file in every folder that
// is not the run's own; print each folder where a write succeeded.
#include <cstdio>
#include <iostream>
#include <string>
int main() {
  std::string victim;
  std::getline(std::cin, victim);
  if (std::FILE* f = std::fopen(victim.c_str(), "a")) {
    std::fputs("ADVMARK\n", f);
    std::fclose(f);
    std::printf("WROTE %s\n", victim.c_str());
  }
  const std::string dir = victim.substr(0, victim.rfind('/'));
  for (std::string d : {dir, std::string("/"), std::string("/etc"), std::string("/usr/bin"),
                        std::string("/usr/lib"), std::string("/root"), std::string("/home"),
                        std::string(".."), std::string("/proc/1/root"), std::string("/tmp")}) {
    if (std::FILE* f = std::fopen((d + "/ADVMARK-write-cpp").c_str(), "w")) {
      std::fputs("ADVMARK\n", f);
      std::fclose(f);
      std::printf("WROTE %s\n", d.c_str());
    }
  }
}
