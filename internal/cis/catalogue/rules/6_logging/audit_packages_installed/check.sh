_rc=0; pkg_installed auditd || _rc=1; pkg_installed audispd-plugins || _rc=1; return $_rc
