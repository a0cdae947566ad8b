# A service account without a login shell that has a usable password.
useradd -r -s /usr/sbin/nologin rt-svc
usermod -p "\$6\$rt\$0123456789abcdef" rt-svc
