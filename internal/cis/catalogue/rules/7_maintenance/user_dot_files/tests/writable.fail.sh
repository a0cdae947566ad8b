useradd -m -s /bin/bash rt-user
chmod 0666 /home/rt-user/.profile
