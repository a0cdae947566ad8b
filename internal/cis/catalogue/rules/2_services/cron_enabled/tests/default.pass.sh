[ "$(plat_svc_state cron.service)" = enabled ]
