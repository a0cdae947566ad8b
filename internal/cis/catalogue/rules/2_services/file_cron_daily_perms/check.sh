svc2_cron || return $?
file_mode /etc/cron.daily 700 root root
