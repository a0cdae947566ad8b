useradd -m -s /bin/bash rt-user
chmod 0777 /home/rt-user
