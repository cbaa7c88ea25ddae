#!/usr/bin/env bash
# Builds the class-data-sharing archive that languages/java.yaml names for compiles and runs
# (-XX:SharedArchiveFile=/var/cache/proctor/java/proctor-jdk17.jsa): the classes javac loads
# (through JavacJar.java) and those a typical program loads (CdsSample.java), so that both
# map them ready-made instead of parsing them from the JDK's modules. Run by scripts/setup.sh;
# rebuilt only when the JDK or these files change. Root-owned, bound read-only into the
# sandbox. Without it (not root, not built yet, a JDK it was not made by) the JVM silently uses
# the JDK's own default archive: slower, never wrong.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JDK=/usr/lib/jvm/java-17-openjdk-amd64
DIR=/var/cache/proctor/java
ARCHIVE=$DIR/proctor-jdk17.jsa
FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)

[[ -x $JDK/bin/java ]] || exit 0  # no JDK 17: nothing to build for
if ! mkdir -p "$DIR" 2>/dev/null || [[ ! -w $DIR ]]; then
  echo "setup: java CDS archive skipped ($DIR is not writable; run as root)" >&2
  exit 0
fi
stamp=$( (stat -L -c '%n %s %Y' "$JDK/lib/modules" "$JDK/lib/server/libjvm.so";
          cat "$HERE/JavacJar.java" "$HERE/CdsSample.java" "${BASH_SOURCE[0]}") | sha256sum)
if [[ -e $ARCHIVE && -e $ARCHIVE.stamp && $(cat "$ARCHIVE.stamp") == "$stamp" ]]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$HERE/CdsSample.java" "$work/Main.java"
sed -i 's/class CdsSample/class Main/' "$work/Main.java"
(cd "$work" &&
  "$JDK/bin/java" "${FLAGS[@]}" -XX:DumpLoadedClassList=compile.classlist \
    "$HERE/JavacJar.java" solution.jar -encoding UTF-8 Main.java &&
  "$JDK/bin/java" "${FLAGS[@]}" -XX:DumpLoadedClassList=run.classlist -cp solution.jar Main \
    >/dev/null)
# Only the JDK's classes: the sample's own are not on the archive's (empty) class path.
grep -hv -e '^Main' -e '^JavacJar' "$work/compile.classlist" "$work/run.classlist" \
  | sort -u >"$work/all.classlist"
"$JDK/bin/java" "${FLAGS[@]}" -Xshare:dump -XX:SharedClassListFile="$work/all.classlist" \
  -XX:SharedArchiveFile="$work/proctor.jsa" >"$work/dump.log" 2>&1 \
  || { cat "$work/dump.log" >&2; exit 1; }
chmod 644 "$work/proctor.jsa"
mv -f "$work/proctor.jsa" "$ARCHIVE"
echo "$stamp" >"$ARCHIVE.stamp"
echo "setup: built the java CDS archive $ARCHIVE" >&2
