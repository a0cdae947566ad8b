svc_enable cron.service
