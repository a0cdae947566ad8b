# rsyslog installed and enabled beside journald.
rt_packages rsyslog
plat_svc_enable rsyslog.service
