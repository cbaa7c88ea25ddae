// What languages/java/build_cds_archive.sh runs to learn which JDK classes a typical program
// loads (input parsing, collections, streams and lambdas, formatting, big numbers), so that
// the class-data-sharing archive holds them. Reads nothing; prints one line.
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Scanner;
import java.util.StringTokenizer;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

public class CdsSample {
  record Pair(int a, long b) {}

  public static void main(String[] args) throws Exception {
    byte[] input = "3 4\n1 2 3\nhello world\n".getBytes();
    BufferedReader br = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(input)));
    StringTokenizer st = new StringTokenizer(br.readLine());
    int n = Integer.parseInt(st.nextToken());
    Scanner sc = new Scanner(new ByteArrayInputStream(input));
    long m = sc.nextLong() + sc.nextInt();
    List<Integer> list = new ArrayList<>(List.of(3, 1, 2));
    list.sort((x, y) -> Integer.compare(y, x));
    Map<String, Integer> map = new HashMap<>();
    map.merge("a", 1, Integer::sum);
    TreeMap<Long, String> tree = new TreeMap<>(Map.of(2L, "b", 1L, "a"));
    PriorityQueue<Pair> pq = new PriorityQueue<>((p, q) -> Long.compare(p.b(), q.b()));
    pq.add(new Pair(1, 2L));
    ArrayDeque<int[]> dq = new ArrayDeque<>();
    dq.add(new int[] {1, 2});
    String joined = IntStream.range(0, n).mapToObj(Integer::toString).collect(Collectors.joining(","));
    int[] arr = {5, 3, 1};
    Arrays.sort(arr);
    long sum = Arrays.stream(arr).asLongStream().sum() + list.stream().mapToInt(Integer::intValue).sum();
    BigInteger big = BigInteger.valueOf(m).pow(20).mod(BigInteger.valueOf(1_000_000_007L));
    BigDecimal dec = new BigDecimal("1.5").multiply(BigDecimal.TEN);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%d %.3f %s", sum, Math.sqrt(m), joined));
    PrintWriter out = new PrintWriter(System.out);
    out.println(sb + " " + big + " " + dec + " " + tree.firstKey() + " " + pq.peek() + " "
        + dq.size() + " " + map + " " + new HashSet<>(list).size());
    out.flush();
  }
}
