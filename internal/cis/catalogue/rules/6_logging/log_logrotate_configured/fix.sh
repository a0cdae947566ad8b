if unit_exists logrotate.timer; then svc_enable logrotate.timer; fi
