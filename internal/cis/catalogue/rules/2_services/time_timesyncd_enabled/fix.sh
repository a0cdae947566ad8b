svc_enable systemd-timesyncd.service
