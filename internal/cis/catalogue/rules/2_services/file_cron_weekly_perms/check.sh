svc2_cron || return $?
file_mode /etc/cron.weekly 700 root root
