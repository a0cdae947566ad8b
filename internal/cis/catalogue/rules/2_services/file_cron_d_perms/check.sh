svc2_cron || return $?
file_mode /etc/cron.d 700 root root
