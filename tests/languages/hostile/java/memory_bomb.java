import java.util.ArrayList;
import java.util.List;

public class Main {
  public static void main(String[] args) {
    List<byte[]> blocks = new ArrayList<>();
    while (true) {
      byte[] b = new byte[1 << 20];
      java.util.Arrays.fill(b, (byte) 1);
      blocks.add(b);
    }
  }
}
