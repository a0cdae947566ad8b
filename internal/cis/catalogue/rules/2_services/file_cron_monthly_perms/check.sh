svc2_cron || return $?
file_mode /etc/cron.monthly 700 root root
