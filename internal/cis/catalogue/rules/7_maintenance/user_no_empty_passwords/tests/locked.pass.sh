useradd -m rt-locked
usermod -L rt-locked
