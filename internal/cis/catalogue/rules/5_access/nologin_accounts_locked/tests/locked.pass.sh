# useradd leaves a new account's password locked.
useradd -r -s /usr/sbin/nologin rt-svc
