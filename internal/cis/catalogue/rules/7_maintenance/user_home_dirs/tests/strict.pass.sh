useradd -m -s /bin/bash rt-user
chmod 0750 /home/rt-user
