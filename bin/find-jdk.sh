# Sourced by the scripts: picks the newest installed JDK >= 21 into JAVA_HOME.
# Machines here ship OpenJDK 17 as the default java and a newer JDK under /usr/lib/jvm.
_webmon_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
_webmon_best=""
_webmon_best_major=0
for _candidate in ${JAVA_HOME:-} /usr/lib/jvm/* /opt/java/* /usr/local/lib/jvm/*; do
  [ -n "$_candidate" ] && [ -x "$_candidate/bin/javac" ] || continue
  _major=$(_webmon_java_major "$_candidate")
  _major=${_major%%.*}
  if [ -n "$_major" ] && [ "$_major" -ge 21 ] && [ "$_major" -gt "$_webmon_best_major" ]; then
    _webmon_best="$_candidate"
    _webmon_best_major="$_major"
  fi
done
if [ -z "$_webmon_best" ]; then
  echo "webmon: no JDK >= 21 found (looked in \$JAVA_HOME and /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk'." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$_webmon_best"
export PATH="$JAVA_HOME/bin:$PATH"
unset _webmon_best _webmon_best_major _candidate _major
