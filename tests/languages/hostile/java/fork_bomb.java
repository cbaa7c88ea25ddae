import java.nio.file.Files;
import java.nio.file.Path;

// Threads are the JVM's processes (each counts against pids.max): start them forever, and
// copies of this program too, each of which does the same.
public class Main {
  public static void main(String[] args) throws Exception {
    Files.writeString(Path.of("/proc/self/comm"), "ADVM-fork-java");
    while (true) {
      try {
        new ProcessBuilder(ProcessHandle.current().info().command().orElse("/proc/self/exe"),
            "-cp", "/prog/solution", "Main", "ADVM-fork-java").start();
      } catch (Throwable e) {
        // out of processes: keep trying
      }
      try {
        Thread t = new Thread(() -> {
          while (true) {
            try {
              Thread.sleep(1000000);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        t.setDaemon(true);
        t.start();
      } catch (Throwable e) {
        // out of threads: keep trying
      }
    }
  }
}
