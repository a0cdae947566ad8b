useradd -r -s /usr/sbin/nologin rt-sys
