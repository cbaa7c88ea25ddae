import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Scanner;

// stdin: the port of a listener on the host's loopback.
public class Main {
  public static void main(String[] args) {
    int port = new Scanner(System.in).nextInt();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      System.out.println("ADVMARK-NET-CONNECTED");
    } catch (Exception e) {
      System.out.println("no connection: " + e);
    }
  }
}
