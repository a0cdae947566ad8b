printf 'Defaults logfile=/var/log/sudo-rt.log\n' >/etc/sudoers.d/50-test
chmod 0440 /etc/sudoers.d/50-test
