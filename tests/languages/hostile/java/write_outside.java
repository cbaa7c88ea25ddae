import java.io.BufferedReader;
import java.io.FileWriter;
import java.io.InputStreamReader;
import java.nio.file.Path;

// stdin: a host file's path. Try to change it and to leave a marker file in every folder that
// is not the run's own; print each folder where a write succeeded.
public class Main {
  static void tryWrite(String path, String label) {
    try (FileWriter w = new FileWriter(path, true)) {
      w.write("ADVMARK\n");
      w.flush();
      System.out.println("WROTE " + label);
    } catch (Exception e) {
      // refused, as it should be
    }
  }

  public static void main(String[] args) throws Exception {
    String victim = new BufferedReader(new InputStreamReader(System.in)).readLine().trim();
    tryWrite(victim, victim);
    Path parent = Path.of(victim).getParent();
    for (String d : new String[] {parent == null ? "/" : parent.toString(), "/", "/etc",
             "/usr/bin", "/usr/lib", "/root", "/home", "..", "/proc/1/root", "/tmp"}) {
      tryWrite(d + "/ADVMARK-write-java", d);
    }
  }
}
