_rc=0
pkg_installed apparmor || _rc=1
pkg_installed apparmor-utils || _rc=1
return $_rc
