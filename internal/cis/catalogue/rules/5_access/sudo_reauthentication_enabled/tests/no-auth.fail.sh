# No remediation: it is reported.
printf 'Defaults:rt-user !authenticate\n' >/etc/sudoers.d/50-test
chmod 0440 /etc/sudoers.d/50-test
