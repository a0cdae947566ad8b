useradd -M -G shadow rt-user
