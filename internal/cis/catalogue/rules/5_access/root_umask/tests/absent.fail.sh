# Debian's root dot files leave the umask to /etc/profile.
! grep -q '^[[:space:]]*umask' /root/.bashrc /root/.profile
