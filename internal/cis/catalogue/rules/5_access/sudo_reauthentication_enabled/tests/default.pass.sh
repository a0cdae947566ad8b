! grep -rqs authenticate /etc/sudoers /etc/sudoers.d
