useradd -M rt-grouped
