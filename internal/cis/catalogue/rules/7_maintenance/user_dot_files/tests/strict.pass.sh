useradd -m -s /bin/bash rt-user
printf 'machine example.com\n' >/home/rt-user/.netrc
chown rt-user:rt-user /home/rt-user/.netrc && chmod 0600 /home/rt-user/.netrc
