augenrules --check | grep -q 'No change'
