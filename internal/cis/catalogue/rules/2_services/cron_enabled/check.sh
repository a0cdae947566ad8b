svc2_cron || return $?
svc_enabled cron.service
