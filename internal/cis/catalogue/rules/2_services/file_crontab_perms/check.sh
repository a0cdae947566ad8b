svc2_cron || return $?
file_mode /etc/crontab 600 root root
