import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;

public class Main {
  public static void main(String[] args) throws Exception {
    OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    byte[] line = "flood flood flood flood flood flood flood flood\n".getBytes();
    while (true) out.write(line);
  }
}
