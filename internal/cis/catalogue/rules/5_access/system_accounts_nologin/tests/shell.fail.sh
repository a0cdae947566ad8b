useradd -r -s /bin/bash rt-sys
