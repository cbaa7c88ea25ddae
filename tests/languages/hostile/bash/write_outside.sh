# stdin: a host file's path. Try to change it and to leave a marker file in every folder that
# is not the run's own; print each folder where a write succeeded.
read -r victim
{ echo ADVMARK >> "$victim"; } 2>/dev/null && echo "WROTE $victim"
for d in "${victim%/*}" / /etc /usr/bin /usr/lib /root /home .. /proc/1/root /tmp; do
  { echo ADVMARK > "$d/ADVMARK-write-sh"; } 2>/dev/null && echo "WROTE $d"
done
exit 0
