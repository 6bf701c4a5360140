# Sourced by ./nommer and ./bench: find_java prints a java binary of version 21 or newer.
java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }

find_java() {
  local candidates=() j m
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$d/bin/java" ] && candidates+=("$d/bin/java")
  done
  for j in "${candidates[@]}"; do
    m="$(java_major "$j" 2>/dev/null || true)"
    if [ -n "$m" ] && [ "$m" -ge 21 ] 2>/dev/null; then echo "$j"; return 0; fi
  done
  return 1
}
