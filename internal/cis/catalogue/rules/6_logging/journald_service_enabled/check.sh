svc_enabled systemd-journald.service
