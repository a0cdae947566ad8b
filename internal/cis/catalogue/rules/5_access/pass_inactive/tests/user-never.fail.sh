# The default is set, but an existing user never becomes inactive.
useradd -D -f 30
useradd -m -p "\$6\$rt\$0123456789abcdef" rt-user
chage --inactive -1 rt-user
