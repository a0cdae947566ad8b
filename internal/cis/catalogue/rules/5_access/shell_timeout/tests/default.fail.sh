! grep -qs TMOUT /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc
