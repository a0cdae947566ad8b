# journald alone (rsyslog is not installed).
! plat_pkg_is_installed rsyslog
