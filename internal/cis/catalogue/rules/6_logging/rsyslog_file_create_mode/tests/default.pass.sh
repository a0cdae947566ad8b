# Debian's rsyslog.conf sets 0640.
# shellcheck disable=SC2016 # rsyslog's $FileCreateMode directive
grep -q '^$FileCreateMode 0640' /etc/rsyslog.conf
