pkg_installed systemd-timesyncd || return 1
svc_enabled systemd-timesyncd.service
