svc2_cron || return $?
file_mode /etc/cron.hourly 700 root root
