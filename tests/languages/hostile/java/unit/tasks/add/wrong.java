public class Main {
  public static long add(long a, long b) {
    return a - b;
  }
}
