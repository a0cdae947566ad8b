# Debian's default: accounts never become inactive.
useradd -D -f -1
