public class TestAdd {
  static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  public static void main(String[] args) {
    check(Main.add(2, 3) == 5, "add(2, 3) == 5");
    check(Main.add(-7, 7) == 0, "add(-7, 7) == 0");
    assert Main.add(4000000000L, 4000000000L) == 8000000000L : "add(4e9, 4e9)";
  }
}
