/* stdin: the port of a listener on the host's loopback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
int main(void) {
  int port = 0;
  if (scanf("%d", &port) != 1) return 1;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) == 0)
    puts("ADVMARK-NET-CONNECTED");
  else
    perror("no connection");
  return 0;
}
