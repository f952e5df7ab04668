#!/bin/bash
# event-lake (modules/notebook): installs the idle stop. SageMaker runs this as root on every start of the instance;
# it must finish within 5 minutes, and a failure stops the start, so nothing here may fail. Nothing is downloaded:
# the script is inlined below, which is what makes this work with direct internet access disabled.
# The placeholders in double braces are filled in at synth; EVENT_LAKE_ROOT and EVENT_LAKE_PYTHONS are for tests only.
set -eu

root="${EVENT_LAKE_ROOT:-}"
python=""
for candidate in ${EVENT_LAKE_PYTHONS:-/home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/python /usr/bin/python3}; do
  if [ -x "$candidate" ] && "$candidate" -c "import boto3" 2>/dev/null; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  echo "event-lake idle stop: no Python with boto3 on this instance; not installed" >&2
  exit 0
fi

mkdir -p "$root/usr/local/bin" "$root/etc/cron.d"
cat > "$root/usr/local/bin/event-lake-idle-stop.py" <<'EVENT_LAKE_IDLE_STOP'
{{idle_stop_py}}EVENT_LAKE_IDLE_STOP
cat > "$root/etc/cron.d/event-lake-idle-stop" <<EVENT_LAKE_CRON
# event-lake: stop this notebook instance after {{idle_minutes}} idle minutes (checked every {{check_minutes}} minutes)
*/{{check_minutes}} * * * * root $python /usr/local/bin/event-lake-idle-stop.py {{idle_minutes}} >> /var/log/event-lake-idle-stop.log 2>&1
EVENT_LAKE_CRON
chmod 0644 "$root/etc/cron.d/event-lake-idle-stop"
echo "event-lake idle stop: installed with $python, {{idle_minutes}} minutes"
