"""Checker of two-sum: accepts any pair of distinct 1-based indices i < j whose values add up
to the target. Called as: checker.py INPUT EXPECTED OUTPUT; exit 0 accepts, and on rejection
the first line printed is the reason."""
import sys


def main(input_path, expected_path, output_path):
    with open(input_path) as f:
        data = f.read().split()
    n, target = int(data[0]), int(data[1])
    values = [int(t) for t in data[2 : 2 + n]]
    with open(output_path) as f:
        tokens = f.read().split()
    if len(tokens) != 2:
        print("expected two indices, got %d tokens" % len(tokens))
        return 1
    try:
        i, j = int(tokens[0]), int(tokens[1])
    except ValueError:
        print("indices must be integers")
        return 1
    if not 1 <= i < j <= n:
        print("need 1 <= i < j <= n, got %d %d" % (i, j))
        return 1
    if values[i - 1] + values[j - 1] != target:
        print("values at %d and %d do not add up to the target" % (i, j))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
