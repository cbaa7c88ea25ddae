# stdin: the port of a listener on the host's loopback.
read -r port
if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
  echo ADVMARK-NET-CONNECTED
else
  echo "no connection"
fi
