useradd -M -d /home/rt-missing -s /bin/bash rt-user
