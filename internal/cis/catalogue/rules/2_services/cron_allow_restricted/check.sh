svc2_cron || return $?
svc2_allow_check /etc/cron.allow crontab
_crc=$?
[ -e /etc/cron.deny ] && { h_say '/etc/cron.deny exists'; _crc=1; }
return $_crc
