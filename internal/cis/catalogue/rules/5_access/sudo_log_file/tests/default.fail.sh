! grep -rqs logfile /etc/sudoers /etc/sudoers.d
