chgrp 4242 /sbin/aureport
