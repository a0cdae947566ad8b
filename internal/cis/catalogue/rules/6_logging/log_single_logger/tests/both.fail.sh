# rsyslog installed and enabled beside journald.
rt_needs_network
plat_pkg_install rsyslog
plat_svc_enable rsyslog.service
