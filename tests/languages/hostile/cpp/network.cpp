// stdin: the port of a listener on the host's loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cstdio>
int main() {
  int port = 0;
  if (std::scanf("%d", &port) != 1) return 1;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<unsigned short>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
    std::puts("ADVMARK-NET-CONNECTED");
  else
    std::perror("no connection");
}
