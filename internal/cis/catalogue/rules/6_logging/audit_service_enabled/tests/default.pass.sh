[ "$(plat_svc_state auditd.service)" = enabled ]
