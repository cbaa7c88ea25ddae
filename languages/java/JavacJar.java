// The java language's compile step (languages/java.yaml): javac, then every class it wrote
// (Main, Main$Inner, other top-level classes) packed into one jar, the single compile output
// that runs get at /prog/solution. One JVM does both, so a compile starts one JVM.
//
//   java JavacJar.java OUTPUT.jar [javac options and sources ...]
//
// javac's diagnostics go to stderr unchanged; its exit status is this program's. Entries are
// in name order with a fixed time, so the same classes give the same jar.
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

public class JavacJar {
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: JavacJar OUTPUT.jar JAVAC-ARGS...");
      System.exit(2);
    }
    Path classes = Files.createTempDirectory("javac-classes");
    List<String> javac = new ArrayList<>(List.of("-d", classes.toString()));
    javac.addAll(Arrays.asList(args).subList(1, args.length));
    int rc = ToolProvider.findFirst("javac").orElseThrow()
                 .run(System.out, System.err, javac.toArray(new String[0]));
    if (rc != 0) System.exit(rc);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      walk.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    try (JarOutputStream out = new JarOutputStream(new FileOutputStream(args[0]))) {
      for (Path p : files) {
        JarEntry entry = new JarEntry(classes.relativize(p).toString().replace('\\', '/'));
        entry.setTime(0);
        out.putNextEntry(entry);
        out.write(Files.readAllBytes(p));
        out.closeEntry();
      }
    }
  }
}
