[ "$(plat_svc_state chrony.service)" = enabled ]
