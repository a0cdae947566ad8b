pkg_installed chrony || return 1
svc_enabled chrony.service
